package io.dialnet.artifact;

import io.dialnet.nn.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a dynamic-model artifact: everything about the model except the
 * numbers, so it can be read, listed and checked without loading weights.
 *
 * @param format the artifact format version
 * @param model architecture and input
 * @param couplingSets the prunable coupling sets, in plan order
 * @param norms every BatchNorm layer and the index of its coupling set (-1 for a fixed set)
 * @param tensors the shape of every shared tensor in {@code weights.safetensors}
 * @param subnets the subnets, largest first; each a prefix of the previous in every set
 * @param normalization per-channel mean and std the inputs must be normalised with
 * @param provenance versions, machine, data and training that produced it
 */
public record Manifest(
        int format,
        ModelSpec model,
        List<CouplingSetInfo> couplingSets,
        List<NormInfo> norms,
        Map<String, long[]> tensors,
        List<SubnetEntry> subnets,
        Map<String, double[]> normalization,
        Map<String, String> provenance) {

    /** This manifest with {@code entries} as its subnets. */
    public Manifest withSubnets(List<SubnetEntry> entries) {
        return new Manifest(format, model, couplingSets, norms, tensors, entries, normalization, provenance);
    }

    /** A coupling set: name, full channel count and group size. */
    public record CouplingSetInfo(String name, int channels, int groupSize) {}

    /** A BatchNorm layer and its coupling set's index (-1 when fixed). */
    public record NormInfo(String name, int set) {}

    /**
     * One subnet.
     *
     * @param name e.g. {@code w0.50} or {@code s3}
     * @param channels channels per coupling set
     * @param macs multiply-accumulates per image
     * @param params weights used
     * @param validationAccuracy top-1 validation accuracy in [0, 1] (NaN if unknown)
     * @param testAccuracy top-1 test accuracy, or {@code null}
     * @param latency latency measured on some machines (empty until benchmarked; none given is empty)
     */
    public record SubnetEntry(
            String name,
            List<Integer> channels,
            long macs,
            long params,
            double validationAccuracy,
            Double testAccuracy,
            List<Latency> latency) {
        public SubnetEntry {
            latency = latency == null ? List.of() : latency;
        }

        /** This subnet with {@code measured} as its latency measurements. */
        public SubnetEntry withLatency(List<Latency> measured) {
            return new SubnetEntry(name, channels, macs, params, validationAccuracy, testAccuracy, measured);
        }
    }

    /**
     * A latency measurement.
     *
     * @param backend {@code onnxruntime} or {@code djl}
     * @param device the machine, in words
     * @param batchSize images per call
     * @param threads intra-op threads
     * @param p50 median milliseconds per call
     * @param p90 90th percentile
     * @param p99 99th percentile
     */
    public record Latency(
            String backend, String device, int batchSize, int threads, double p50, double p90, double p99) {}
}
