package io.dialnet.cli;

import io.dialnet.deploy.Export;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialnet export}: a trained network and its subnets as one dynamic-model file. */
@Command(name = "export", mixinStandardHelpOptions = true)
final class ExportCommand extends DialnetCommand {
    @Option(names = "--checkpoint", required = true, paramLabel = "PATH")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE")
    Path out;

    @Option(names = "--no-onnx")
    boolean noOnnx;

    @Option(names = "--check-images", defaultValue = "64")
    int checkBatch;

    @Option(names = "--latency-batches", split = ",", defaultValue = "1,64")
    List<Integer> latencyBatches;

    @Option(names = "--keep-slower")
    boolean keepSlower;

    @Option(names = "--remeasure")
    boolean remeasure;

    @Override
    public Integer call() throws Exception {
        int threads = common.startEngine();
        Export.Written written = new Export(checkpoint, out, !noOnnx, checkBatch, latencyBatches, keepSlower, remeasure)
                .run(
                        threads,
                        graph -> out().println(graph.line()),
                        problem -> err().println("dialnet: dial: " + problem));
        written.latencyWarning().ifPresent(w -> err().println("dialnet: latency: " + w + " (export --remeasure)"));
        print(written.summary());
        return 0;
    }
}
