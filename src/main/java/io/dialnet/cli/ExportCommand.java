package io.dialnet.cli;

import io.dialnet.deploy.Export;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
        int threads = common.startEngine();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Export.Written written = new Export(checkpoint, out, !noOnnx, checkBatch, latencyBatches, keepSlower)
                .run(threads, graph -> print(stdout, graph), problem -> stderr.println("dialnet: dial: " + problem));
        stdout.printf(
                "wrote %s: %d subnets of %s%s%n",
                written.out(),
                written.subnets(),
                written.architecture(),
                noOnnx ? "" : ", each with a compact ONNX graph");
        stdout.flush();
        return 0;
    }

    private static void print(PrintWriter out, Export.Graph g) {
        out.printf(
                Locale.ROOT,
                "%-8s ONNX graph %7.1f KB, max |ORT - supernet| = %.2e on %d %s images, p50 %s%n",
                g.subnet(),
                g.bytes() / 1024.0,
                g.maxDifference(),
                g.images(),
                g.realImages() ? "validation" : "random",
                g.latency().stream()
                        .map(l -> String.format(Locale.ROOT, "%.3f ms at batch %d", l.p50(), l.batchSize()))
                        .toList());
    }
}
