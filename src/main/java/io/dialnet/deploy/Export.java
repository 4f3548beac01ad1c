package io.dialnet.deploy;

import ai.onnxruntime.OrtException;
import io.dialnet.CacheDirectory;
import io.dialnet.Provenance;
import io.dialnet.artifact.ArtifactBuilder;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.Normalization;
import io.dialnet.export.OnnxCheck;
import io.dialnet.export.OnnxExport;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.ModelSpec;
import io.dialnet.runtime.CpuContention;
import io.dialnet.runtime.DialCheck;
import io.dialnet.runtime.OnnxLatencyProfiler;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What {@code dialnet export} writes: the dynamic-model artifact of a trained network.
 * BatchNorm is calibrated and every subnet evaluated on the recorded data first; then, unless
 * {@code onnx} is off, each subnet gets a compact ONNX graph that must reproduce the supernet's
 * logits within {@link OnnxCheck#TOLERANCE} and whose ONNX Runtime latency is recorded, and
 * subnets that are not faster than a larger one are left out unless {@code keepSlower}.
 *
 * @param checkpoint a checkpoint, or the training output directory holding one
 * @param out the artifact to write (atomically)
 * @param onnx add a compact ONNX graph per subnet
 * @param checkImages images on which each graph is checked against the supernet
 * @param latencyBatches batch sizes at which each graph's latency is measured
 * @param keepSlower ship a subnet even when it is not faster than a larger one
 * @param remeasure time every graph again rather than reuse latencies cached on this machine
 */
public record Export(
        Path checkpoint,
        Path out,
        boolean onnx,
        int checkImages,
        List<Integer> latencyBatches,
        boolean keepSlower,
        boolean remeasure) {

    /**
     * One subnet's compact graph.
     *
     * @param bytes size of the graph
     * @param maxDifference largest |ONNX Runtime - supernet| logit difference on the check images
     * @param images how many images were checked
     * @param realImages whether they were validation images (else seeded random ones)
     * @param latency ONNX Runtime latency at each of {@link #latencyBatches}
     */
    public record Graph(
            String subnet,
            int bytes,
            double maxDifference,
            int images,
            boolean realImages,
            List<Manifest.Latency> latency) {

        /** What export prints of the graph: size, agreement with the supernet, median latency per batch size. */
        public String line() {
            return String.format(
                    Locale.ROOT,
                    "%-8s ONNX graph %7.1f KB, max |ORT - supernet| = %.2e on %d %s images, p50 %s",
                    subnet,
                    bytes / 1024.0,
                    maxDifference,
                    images,
                    realImages ? "validation" : "random",
                    latency.stream()
                            .map(l -> String.format(Locale.ROOT, "%.3f ms at batch %d", l.p50(), l.batchSize()))
                            .toList());
        }
    }

    /**
     * What was written: how many subnets of which architecture, whether each has its ONNX graph,
     * and the largest share of the cores other processes used while latency was measured, where
     * it passed {@link CpuContention#BUSY} (else 0).
     */
    public record Written(Path out, int subnets, String architecture, boolean graphs, double contention) {
        /** One line saying so. */
        public String summary() {
            return String.format(
                    "wrote %s: %d subnets of %s%s%n",
                    out, subnets, architecture, graphs ? ", each with a compact ONNX graph" : "");
        }

        /** Why the latencies and the dial check may not be this machine's, if they may not. */
        public Optional<String> latencyWarning() {
            return contention > 0 ? Optional.of(CpuContention.warning(contention)) : Optional.empty();
        }
    }

    /**
     * Writes the artifact with {@code threads} engine threads (recorded, and used to time the
     * graphs), reporting each graph as it is made to {@code graphs} and each subnet left out by the
     * dial check to {@code dialProblems}.
     */
    public Written run(int threads, Consumer<Graph> graphs, Consumer<String> dialProblems)
            throws ArtifactException, OrtException {
        try (TrainedModel model = TrainedModel.restore(checkpoint)) {
            DataRecipe.Prepared data = recordedData(model);
            List<Manifest.SubnetEntry> entries = entries(data == null ? model.sizes() : model.evaluate(data));
            Map<String, String> provenance = provenance(model, data, threads);
            Map<String, byte[]> onnxGraphs = new LinkedHashMap<>();
            double contention = 0;
            if (onnx) {
                List<Manifest.SubnetEntry> timed;
                try (OnnxLatencyProfiler profiler = new OnnxLatencyProfiler(threads, CacheDirectory.get(), remeasure)) {
                    timed = compactGraphs(model, entries, data, provenance, profiler, graphs, onnxGraphs);
                    contention = profiler.contention().orElse(0);
                }
                if (contention > 0) {
                    provenance.put("latency_warning", CpuContention.warning(contention));
                }
                DialCheck.Verdict dial = DialCheck.check(timed, keepSlower);
                dial.problems().forEach(dialProblems);
                entries = dial.shipped();
                List<String> shipped =
                        entries.stream().map(Manifest.SubnetEntry::name).toList();
                onnxGraphs.keySet().retainAll(shipped);
            }
            Normalization input = model.manifest().normalization();
            Map<String, double[]> normalization = new LinkedHashMap<>();
            normalization.put("mean", input.mean());
            normalization.put("std", input.std());
            DynamicModelFile artifact = ArtifactBuilder.build(model.network(), entries, normalization, provenance);
            new DynamicModelFile(artifact.manifest(), artifact.tensors(), onnxGraphs).write(out);
            return new Written(out, entries.size(), model.manifest().spec().architecture(), onnx, contention);
        }
    }

    /**
     * The data the run recorded, prepared again to calibrate and evaluate with; {@code null} for an
     * imported network, which has none: its BatchNorm statistics come from the file and its
     * accuracy is unknown, which only a method that does not calibrate can ship.
     */
    private static DataRecipe.Prepared recordedData(TrainedModel model) {
        Checkpoint.RunInfo saved = model.manifest();
        if (saved.data() == null && saved.normalization() == null) {
            throw new IllegalArgumentException(
                    "checkpoint " + model.file() + " records no data to calibrate and evaluate with");
        }
        if (saved.data() == null && model.method().calibrate()) {
            throw new IllegalArgumentException("checkpoint " + model.file() + " records no data to calibrate the "
                    + model.method().name() + " strategy's BatchNorm with");
        }
        return saved.data() == null ? null : saved.data().reload();
    }

    /** The subnets as the artifact lists them, largest MACs first, not yet timed. */
    private static List<Manifest.SubnetEntry> entries(List<SubnetResult> results) {
        return results.stream()
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
    }

    /** The writer's provenance, plus which checkpoint, data and strategy the artifact comes from. */
    private static Map<String, String> provenance(TrainedModel model, DataRecipe.Prepared data, int threads) {
        Map<String, String> provenance = new LinkedHashMap<>(Provenance.current(threads));
        provenance.put("checkpoint", model.file().toString());
        provenance.put(
                "data",
                data == null ? "none (imported; not evaluated)" : data.recipe().source());
        provenance.put("strategy", model.manifest().config().strategy().id());
        return provenance;
    }

    /**
     * Each subnet's compact graph, checked against the supernet on images of {@code data} (seeded
     * random ones without data), then all timed together at each batch size; the graphs go into
     * {@code onnxGraphs}, the subnets come back with their latency.
     */
    private List<Manifest.SubnetEntry> compactGraphs(
            TrainedModel model,
            List<Manifest.SubnetEntry> entries,
            DataRecipe.Prepared data,
            Map<String, String> provenance,
            OnnxLatencyProfiler profiler,
            Consumer<Graph> graphs,
            Map<String, byte[]> onnxGraphs)
            throws OrtException {
        float[] images = data == null
                ? randomImages(
                        model.manifest().spec(),
                        checkImages,
                        model.manifest().config().seed())
                : validationImages(data, checkImages);
        List<byte[]> made = new ArrayList<>();
        List<Double> differences = new ArrayList<>();
        for (Manifest.SubnetEntry e : entries) {
            ChannelPlan plan = ChannelPlan.of(e.channels());
            byte[] graph = OnnxExport.subnet(model.network(), plan, e.name(), provenance);
            double diff = OnnxCheck.maxAbsDifference(model.network(), plan, graph, images, checkImages);
            if (!(diff <= OnnxCheck.TOLERANCE)) {
                throw new IllegalStateException("ONNX graph of " + e.name() + " differs from the supernet by " + diff
                        + " (> " + OnnxCheck.TOLERANCE + "); not writing " + out);
            }
            made.add(graph);
            differences.add(diff);
        }
        // the subnets are timed together at each batch size, since the dial check compares them
        ModelSpec spec = model.manifest().spec();
        List<List<Manifest.Latency>> byBatch = new ArrayList<>();
        for (int batch : latencyBatches) {
            byBatch.add(profiler.measureTogether(made, batch, spec.inputChannels(), spec.inputSize()));
        }
        List<Manifest.SubnetEntry> timed = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Manifest.SubnetEntry e = entries.get(i);
            int subnet = i;
            List<Manifest.Latency> latency =
                    byBatch.stream().map(b -> b.get(subnet)).toList();
            graphs.accept(
                    new Graph(e.name(), made.get(i).length, differences.get(i), checkImages, data != null, latency));
            onnxGraphs.put(e.name(), made.get(i));
            timed.add(e.withLatency(latency));
        }
        return timed;
    }

    /** {@code n} seeded standard-normal images (normalised inputs), for a network without data. */
    private static float[] randomImages(ModelSpec spec, int n, long seed) {
        float[] images = new float[n * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        Random random = new Random(seed);
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        return images;
    }

    /** The first {@code n} validation images (training images when there is no validation split), normalised, NCHW. */
    private static float[] validationImages(DataRecipe.Prepared data, int n) {
        var loader = data.validationLoader() != null ? data.validationLoader() : data.trainLoader();
        try (var epoch = loader.ordered(Math.min(n, loader.data().size()))) {
            return epoch.next().pixels();
        }
    }
}
