package io.dialnet.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.dialnet.AtomicFiles;
import io.dialnet.CacheDirectory;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DataRequest;
import io.dialnet.export.OnnxExport;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.report.Plots;
import io.dialnet.runtime.CpuContention;
import io.dialnet.runtime.OnnxLatencyProfiler;
import io.dialnet.search.CostModel;
import io.dialnet.search.SearchConfig;
import io.dialnet.search.SearchMethod;
import io.dialnet.search.SearchResult;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A subnet search as {@code search} starts it: one method's nested subnets for a list of cost
 * targets, trained; the method writes its log, state and phases into {@link #out}, and the run
 * adds {@value TrainPlan#RESULTS} (subnets, accepted plans, model, data, settings, final training)
 * and {@value TrainPlan#PLOT}.
 *
 * @param method the search
 * @param config targets, recipe and the search's settings; the background, if any, is where the
 *     searches start, and its input normalisation is used for the data
 * @param lasso multipath, singlepath: weight of the group-lasso penalty
 * @param epochsPerSubnet multipath: epochs of sparsity training before each cut
 * @param groupSize channels per group (0 = this CPU's SIMD block)
 * @param resume continue from where a previous run in {@code out} stopped
 */
public record SearchPlan(
        SearchMethod method,
        SearchConfig config,
        double lasso,
        int epochsPerSubnet,
        String architecture,
        int groupSize,
        Path out,
        boolean resume) {
    /**
     * Reads {@code data} and searches on {@code device}; with latency targets, each plan is timed
     * on ONNX Runtime with {@code latencyThreads} intra-op threads (0 = ONNX Runtime's default).
     */
    public SearchResult run(DataRequest data, Device device, int latencyThreads, TrainingListener listener) {
        DataRecipe.Prepared prepared =
                data.prepare(config.recipe().seed(), 0, TrainPlan.normalizationOf(config.background()));
        ModelSpec modelSpec =
                TrainPlan.specFor(architecture, groupSize, prepared.split().train());
        try (NDManager manager = NDManager.newBaseManager(device);
                SlimmableNetwork network =
                        ModelZoo.create(modelSpec, manager, config.recipe().seed());
                OnnxLatencyProfiler profiler = new OnnxLatencyProfiler(latencyThreads, CacheDirectory.get())) {
            CostModel latency = config.latency() ? onnxLatency(network, config.latencyBatch(), profiler) : null;
            SearchResult result = method.run(
                    new SearchMethod.Job(network, config, prepared, out, listener, lasso, epochsPerSubnet, latency),
                    resume);
            OptionalDouble contention = profiler.contention();
            if (contention.isPresent() && listener != null) {
                listener.notice("latency: " + CpuContention.warning(contention.getAsDouble()));
            }
            report(result, modelSpec, prepared, contention);
            return result;
        }
    }

    private void report(
            SearchResult result, ModelSpec modelSpec, DataRecipe.Prepared data, OptionalDouble latencyContention) {
        Map<String, Object> report = new LinkedHashMap<>();
        latencyContention.ifPresent(share -> report.put("latency_warning", CpuContention.warning(share)));
        report.put("subnets", result.subnets());
        report.put("accepted", result.accepted());
        report.put("model", modelSpec);
        report.put("data", data.recipe());
        report.put("method", method);
        report.put("search", config);
        report.put("final_training", result.finalTraining());
        AtomicFiles.write(out.resolve(TrainPlan.RESULTS), Json.pretty(report));
        Plots.accuracyVsMacs(
                Map.of(method.id(), result.subnets()),
                modelSpec.architecture() + " on " + data.recipe().source(),
                false,
                out.resolve(TrainPlan.PLOT));
    }

    /**
     * Latency of a plan as {@code serve} would run it: its compact ONNX graph timed on ONNX Runtime
     * in a child process, cached per machine (a plan not yet registered gets BatchNorm state for
     * the export and loses it afterwards).
     */
    static CostModel onnxLatency(SlimmableNetwork network, int batch, OnnxLatencyProfiler profiler) {
        Map<ChannelPlan, Double> cache = new HashMap<>();
        return CostModel.measured(plan -> cache.computeIfAbsent(plan, p -> {
            boolean temporary = !network.registeredPlans().containsKey(p);
            if (temporary) {
                network.register(p, false);
            }
            try {
                ModelSpec spec = network.spec();
                return profiler.measure(
                                OnnxExport.subnet(network, p, "timing", Map.of()),
                                batch,
                                spec.inputChannels(),
                                spec.inputSize())
                        .p50();
            } finally {
                if (temporary) {
                    network.unregister(p);
                }
            }
        }));
    }
}
