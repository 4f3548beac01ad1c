package io.dialnet.cli;

import io.dialnet.Json;
import io.dialnet.data.FolderOptions;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet eval}: the subnets of a trained network with their size and accuracy. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Evaluate every subnet of a trained network: channels, MACs, params, validation and test accuracy.")
final class EvalCommand implements Callable<Integer> {
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
            names = "--data",
            paramLabel = "FORMAT:DIR",
            description =
                    "Evaluate on this data instead of the data recorded in the checkpoint (same split and normalisation).")
    String data;

    @Option(
            names = "--widths",
            split = ",",
            paramLabel = "W",
            description =
                    "Also evaluate these widths (uniform-trained networks only; BatchNorm is calibrated for each).")
    List<Double> widths;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        common.startEngine();
        // an imported network's --data is read with the default folder settings, its notices on stderr
        FolderOptions folders = new FolderOptions(
                FolderOptions.defaultThreads(),
                false,
                0,
                DataOptions.logTo(spec.commandLine().getErr()));
        List<SubnetResult> results =
                TrainedModel.evaluate(checkpoint, data, widths == null ? List.of() : widths, folders);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Json.prettyText(results) + "\n" : SubnetTable.text(results));
        out.flush();
        return 0;
    }
}
