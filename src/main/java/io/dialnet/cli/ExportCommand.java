package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.Provenance;
import io.dialnet.artifact.ArtifactBuilder;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.data.DataRecipe;
import io.dialnet.export.OnnxCheck;
import io.dialnet.export.OnnxExport;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.DialCheck;
import io.dialnet.runtime.OnnxLatencyProfiler;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.Subnet;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet export}: a trained network and its subnets as one dynamic-model file. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write the dynamic-model artifact (manifest, weights in rank order, BatchNorm per subnet) of a "
                + "trained network; BatchNorm is calibrated and every subnet evaluated on the recorded data first.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "PATH",
            description = "A checkpoint.zip, or the training output directory holding one.")
    Path checkpoint;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "The artifact to write, e.g. model.dialnet (written atomically).")
    Path out;

    @Option(names = "--no-onnx", description = "Do not add compact ONNX graphs.")
    boolean noOnnx;

    @Option(
            names = "--check-images",
            defaultValue = "64",
            description =
                    "Validation images on which each ONNX graph must match the supernet within 1e-4 (default: ${DEFAULT-VALUE}).")
    int checkBatch;

    @Option(
            names = "--latency-batches",
            split = ",",
            defaultValue = "1,64",
            description =
                    "Batch sizes at which each subnet's ONNX Runtime latency is measured (in a child process, with --threads) and recorded (default: ${DEFAULT-VALUE}).")
    List<Integer> latencyBatches;

    @Option(
            names = "--keep-slower",
            description = "Ship a subnet even when it is not faster than a larger one (it is still reported).")
    boolean keepSlower;

    @Override
    public Integer call() throws Exception {
        Path file = Checkpoint.resolve(checkpoint);
        Checkpoint.RunInfo saved = Checkpoint.manifest(file);
        TrainConfig config = saved.config();
        if (saved.data() == null && saved.normalization() == null) {
            throw new IllegalArgumentException(
                    "checkpoint " + file + " records no data to calibrate and evaluate with");
        }
        int threads = common.startEngine();
        // An imported network has no data: its BatchNorm statistics come from the file, accuracy is unknown.
        DataRecipe.Prepared prepared =
                saved.data() == null ? null : saved.data().reload();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(saved.spec(), manager, config.seed())) {
            Checkpoint.load(file, null, network, null);
            Method method = Method.of(config, network);
            List<Subnet> subnets = saved.subnets(method);
            if (prepared == null && method.calibrate()) {
                throw new IllegalArgumentException("checkpoint " + file + " records no data to calibrate the "
                        + method.name() + " strategy's BatchNorm with");
            }
            List<SubnetResult> results = prepared == null
                    ? unevaluated(network, subnets)
                    : Evaluation.evaluate(
                            network,
                            subnets,
                            method.calibrate(),
                            prepared,
                            config.batchSize(),
                            config.calibrationBatches());
            List<Manifest.SubnetEntry> entries = results.stream()
                    .sorted(Comparator.comparingLong(SubnetResult::macs).reversed())
                    .map(r -> new Manifest.SubnetEntry(
                            r.name(),
                            r.channels(),
                            r.macs(),
                            r.params(),
                            r.validationAccuracy(),
                            r.testAccuracy(),
                            List.of()))
                    .toList();
            Map<String, double[]> normalization = new LinkedHashMap<>();
            normalization.put("mean", saved.normalization().mean());
            normalization.put("std", saved.normalization().std());
            Map<String, String> provenance = new LinkedHashMap<>(Provenance.current(threads));
            provenance.put("checkpoint", file.toString());
            provenance.put(
                    "data",
                    prepared == null
                            ? "none (imported; not evaluated)"
                            : prepared.recipe().source());
            provenance.put("strategy", config.strategy());
            Map<String, byte[]> graphs = new LinkedHashMap<>();
            PrintWriter stdout = spec.commandLine().getOut();
            if (!noOnnx) {
                float[] images = prepared == null
                        ? randomImages(saved.spec(), checkBatch, config.seed())
                        : realImages(prepared, checkBatch);
                List<Manifest.SubnetEntry> timed = new ArrayList<>();
                try (OnnxLatencyProfiler profiler =
                        new OnnxLatencyProfiler(threads, OnnxLatencyProfiler.defaultCacheDir())) {
                    for (Manifest.SubnetEntry e : entries) {
                        ChannelPlan plan = ChannelPlan.of(e.channels());
                        byte[] graph = OnnxExport.subnet(network, plan, e.name(), provenance);
                        double diff = OnnxCheck.maxAbsDifference(network, plan, graph, images, checkBatch);
                        if (!(diff <= OnnxCheck.TOLERANCE)) {
                            throw new IllegalStateException(
                                    "ONNX graph of " + e.name() + " differs from the supernet by " + diff + " (> "
                                            + OnnxCheck.TOLERANCE + "); not writing " + out);
                        }
                        List<Manifest.Latency> latency = new ArrayList<>();
                        for (int batch : latencyBatches) {
                            latency.add(profiler.measure(
                                    graph,
                                    batch,
                                    saved.spec().inputChannels(),
                                    saved.spec().inputSize()));
                        }
                        stdout.printf(
                                Locale.ROOT,
                                "%-8s ONNX graph %7.1f KB, max |ORT - supernet| = %.2e on %d %s images, " + "p50 %s%n",
                                e.name(),
                                graph.length / 1024.0,
                                diff,
                                checkBatch,
                                prepared == null ? "random" : "validation",
                                latency.stream()
                                        .map(l -> String.format(
                                                Locale.ROOT, "%.3f ms at batch %d", l.p50(), l.batchSize()))
                                        .toList());
                        graphs.put(e.name(), graph);
                        timed.add(new Manifest.SubnetEntry(
                                e.name(),
                                e.channels(),
                                e.macs(),
                                e.params(),
                                e.validationAccuracy(),
                                e.testAccuracy(),
                                latency));
                    }
                }
                DialCheck.Verdict dial = DialCheck.check(timed, keepSlower);
                dial.problems().forEach(p -> spec.commandLine().getErr().println("dialnet: dial: " + p));
                entries = dial.shipped();
                List<String> names =
                        entries.stream().map(Manifest.SubnetEntry::name).toList();
                graphs.keySet().retainAll(names);
            }
            DynamicModelFile artifact = ArtifactBuilder.build(network, entries, normalization, provenance);
            new DynamicModelFile(artifact.manifest(), artifact.tensors(), graphs).write(out);
            stdout.printf(
                    "wrote %s: %d subnets of %s%s%n",
                    out, entries.size(), saved.spec().architecture(), noOnnx ? "" : ", each with a compact ONNX graph");
            stdout.flush();
        }
        return 0;
    }

    /** Size of each subnet, accuracy unknown (NaN): for a network without data. */
    private static List<SubnetResult> unevaluated(SlimmableNetwork network, List<Subnet> subnets) {
        return subnets.stream()
                .map(s -> {
                    Complexity c = Complexity.of(network, s.plan());
                    return new SubnetResult(s.name(), s.plan().toList(), c.macs(), c.params(), Double.NaN, null);
                })
                .toList();
    }

    /** {@code n} seeded standard-normal images (normalised inputs), for a network without data. */
    private static float[] randomImages(io.dialnet.nn.ModelSpec spec, int n, long seed) {
        float[] images = new float[n * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        return images;
    }

    /** The first {@code n} validation images, normalised, as one NCHW array. */
    private static float[] realImages(DataRecipe.Prepared prepared, int n) {
        var loader = prepared.validationLoader() != null ? prepared.validationLoader() : prepared.trainLoader();
        try (var epoch = loader.ordered(Math.min(n, loader.data().size()))) {
            return epoch.next().pixels();
        }
    }
}
