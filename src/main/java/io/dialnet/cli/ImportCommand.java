package io.dialnet.cli;

import io.dialnet.experiment.RunDirectory;
import io.dialnet.interop.ImportPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialnet import}: a CNN trained in PyTorch as a Dialnet checkpoint. */
@Command(name = "import", mixinStandardHelpOptions = true)
final class ImportCommand extends DialnetCommand {
    @Option(names = "--model", required = true, paramLabel = "ARCH")
    String model;

    @Option(names = "--group-size", defaultValue = "0")
    int groupSize;

    @Option(names = "--from", required = true, paramLabel = "FILE")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--overwrite")
    boolean overwrite;

    @Option(names = "--image-size", defaultValue = "0", paramLabel = "N")
    int imageSize;

    @Option(names = "--mean", split = ",", paramLabel = "M")
    List<Double> mean;

    @Option(names = "--std", split = ",", paramLabel = "S")
    List<Double> std;

    @Option(names = "--check-images", defaultValue = "8", paramLabel = "N")
    int checkImages;

    @Override
    public Integer call() throws Exception {
        ImportPlan plan = ImportPlan.of(model, from, imageSize, groupSize, mean, std, checkImages, common.seed);
        RunDirectory.prepareFresh(out, overwrite, RunDirectory.TRAIN);
        int threads = common.startEngine();
        ImportPlan.Imported imported = plan.run(out, threads);
        PrintWriter stdout = out();
        stdout.print(imported.text());
        if (imported.checkpoint() == null) {
            throw new IllegalArgumentException(imported.disagreement(out));
        }
        stdout.printf(
                "wrote %s; normalise inputs with mean %s, std %s%n",
                imported.checkpoint(),
                Arrays.toString(plan.normalization().mean()),
                Arrays.toString(plan.normalization().std()));
        stdout.flush();
        return 0;
    }
}
