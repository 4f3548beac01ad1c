package io.dialnet.nn.zoo;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dialnet.Json;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code dialnet info} shows of a model: its coupling sets, one channel plan and what that
 * plan costs against the full network.
 *
 * @param couplingSets the network's coupling sets, in plan order
 * @param plan the plan described
 * @param cost MACs and params of {@code plan}
 * @param full MACs and params of the full network
 */
public record ModelSummary(
        ModelSpec spec, List<CouplingSet> couplingSets, ChannelPlan plan, Complexity cost, Complexity full) {

    /**
     * Builds {@code spec} (weights seeded by {@code seed}; they do not change the counts) and
     * describes {@code plan}, or when it is {@code null} the uniform {@code width}, or when that is
     * {@code null} too the full network.
     */
    public static ModelSummary of(ModelSpec spec, ChannelPlan plan, Double width, long seed) {
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(spec, manager, seed)) {
            ChannelPlan chosen = plan != null ? plan : width != null ? network.uniformPlan(width) : network.fullPlan();
            return new ModelSummary(
                    spec,
                    List.copyOf(network.couplingSets()),
                    chosen,
                    Complexity.of(network, chosen),
                    Complexity.of(network, network.fullPlan()));
        }
    }

    /** The model's input, each coupling set's channels in the plan against its full width, and the plan's cost. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%s, input %dx%dx%d, %d classes%n",
                spec.architecture(),
                spec.inputChannels(),
                spec.inputSize(),
                spec.inputSize(),
                spec.classes()));
        out.append(String.format("%-24s %8s %8s %6s%n", "coupling set", "channels", "of", "group"));
        for (CouplingSet set : couplingSets) {
            out.append(String.format(
                    "%-24s %8d %8d %6d%n", set.name(), plan.channels(set.index()), set.channels(), set.groupSize()));
        }
        out.append(String.format(
                Locale.ROOT,
                "MACs %,d (%.2f M, %.1f%% of full), params %,d (%.3f M)%n",
                cost.macs(),
                cost.macs() / 1e6,
                100 * cost.macsFraction(full),
                cost.params(),
                cost.params() / 1e6));
        return out.toString();
    }

    /** The plan and its cost as one line of JSON: model, input, channels, macs, params, macs_fraction. */
    public String json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("model", spec.architecture());
        o.put("input", List.of(spec.inputChannels(), spec.inputSize(), spec.inputSize()));
        o.put("channels", plan.toList());
        o.put("macs", cost.macs());
        o.put("params", cost.params());
        o.put("macs_fraction", cost.macsFraction(full));
        try {
            return Json.MAPPER
                    .writer()
                    .without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the model summary as JSON", e);
        }
    }
}
