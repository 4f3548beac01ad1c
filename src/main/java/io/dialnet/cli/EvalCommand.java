package io.dialnet.cli;

import io.dialnet.Json;
import io.dialnet.data.FolderOptions;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainedModel;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialnet eval}: the subnets of a trained network with their size and accuracy. */
@Command(name = "eval", mixinStandardHelpOptions = true)
final class EvalCommand extends DialnetCommand {
    @Option(names = "--checkpoint", required = true, paramLabel = "PATH")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "FORMAT:DIR")
    String data;

    @Option(names = "--widths", split = ",", paramLabel = "W")
    List<Double> widths;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
        common.startEngine();
        // an imported network's --data is read with the default folder settings, its notices on stderr
        FolderOptions folders = new FolderOptions(FolderOptions.defaultThreads(), false, 0, DataOptions.logTo(err()));
        List<SubnetResult> results =
                TrainedModel.evaluate(checkpoint, data, widths == null ? List.of() : widths, folders);
        print(json ? Json.prettyText(results) + "\n" : SubnetTable.text(results));
        return 0;
    }
}
