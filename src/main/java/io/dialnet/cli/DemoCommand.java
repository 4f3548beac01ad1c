package io.dialnet.cli;

import io.dialnet.experiment.Demo;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.TrainConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dialnet demo}: one dynamic network on the shipped Fashion-MNIST subset, four widths, a
 * table and a plot, in a few minutes on two cores with nothing to download.
 */
@Command(name = "demo", mixinStandardHelpOptions = true)
final class DemoCommand extends DialnetCommand {
    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR")
    Path out;

    @Option(names = "--epochs", defaultValue = "6")
    int epochs;

    @Override
    public Integer call() {
        TrainConfig config = Demo.config(epochs, common.seed);
        common.startEngine();
        print(Demo.introduction(config));
        Demo.Result result = Demo.run(config, out, progress());
        print(SubnetTable.text(result.training().subnets()) + result.summary(out));
        return 0;
    }
}
