package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.Json;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet info}: the coupling sets, MACs and params of a model at any width or plan. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Show a model's coupling sets and the MACs and params of a width or channel plan.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = "--model",
            required = true,
            description = "Architecture: ${COMPLETION-CANDIDATES}.",
            completionCandidates = ModelNames.class)
    String model;

    @ArgGroup(exclusive = true)
    Subnet subnet = new Subnet();

    static final class Subnet {
        @Option(names = "--width", description = "A uniform width multiplier in (0, 1] (default: 1).")
        Double width;

        @Option(
                names = "--plan",
                paramLabel = "FILE",
                description =
                        "A file holding a channel plan: channel counts per coupling set, separated by commas or white space.")
        Path plan;
    }

    @Option(names = "--input-size", description = "Image size in pixels (default: the model's own, 32 or 224 or 28).")
    Integer inputSize;

    @Option(names = "--classes", description = "Number of classes (default: the model's own).")
    Integer classes;

    @Option(
            names = "--group-size",
            defaultValue = "0",
            description = "Channels per group (0 = this CPU's SIMD block, as train uses).")
    int groupSize;

    @Option(names = "--json", description = "Print {\"model\":…,\"macs\":…,\"params\":…} as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        ModelSpec d = ModelZoo.defaultSpec(model);
        ModelSpec modelSpec = new ModelSpec(
                model,
                d.inputChannels(),
                inputSize == null ? d.inputSize() : inputSize,
                classes == null ? d.classes() : classes,
                ModelOptions.resolvedGroupSize(groupSize));
        common.startEngine();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(modelSpec, manager, common.seed)) {
            ChannelPlan plan = subnet.plan != null
                    ? readPlan(subnet.plan)
                    : subnet.width != null ? network.uniformPlan(subnet.width) : network.fullPlan();
            Complexity cost = Complexity.of(network, plan);
            Complexity full = Complexity.of(network, network.fullPlan());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("model", model);
                o.put("input", List.of(modelSpec.inputChannels(), modelSpec.inputSize(), modelSpec.inputSize()));
                o.put("channels", plan.toList());
                o.put("macs", cost.macs());
                o.put("params", cost.params());
                o.put("macs_fraction", cost.macsFraction(full));
                out.println(Json.MAPPER.writeValueAsString(o));
            } else {
                out.printf(
                        Locale.ROOT,
                        "%s, input %dx%dx%d, %d classes%n",
                        model,
                        modelSpec.inputChannels(),
                        modelSpec.inputSize(),
                        modelSpec.inputSize(),
                        modelSpec.classes());
                out.printf("%-24s %8s %8s %6s%n", "coupling set", "channels", "of", "group");
                for (CouplingSet set : network.couplingSets()) {
                    out.printf(
                            "%-24s %8d %8d %6d%n",
                            set.name(), plan.channels(set.index()), set.channels(), set.groupSize());
                }
                out.printf(
                        Locale.ROOT,
                        "MACs %,d (%.2f M, %.1f%% of full), params %,d (%.3f M)%n",
                        cost.macs(),
                        cost.macs() / 1e6,
                        100 * cost.macsFraction(full),
                        cost.params(),
                        cost.params() / 1e6);
            }
            out.flush();
        }
        return 0;
    }

    private static ChannelPlan readPlan(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--plan " + file + ": no such file");
        }
        String text =
                Files.readString(file).trim().replaceAll("[\\s,\\[\\]]+", ",").replaceAll("^,|,$", "");
        try {
            return ChannelPlan.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--plan " + file + ": " + e.getMessage());
        }
    }
}
