package io.dialnet.cli;

import io.dialnet.experiment.Demo;
import io.dialnet.experiment.TrainPlan;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet demo}: one dynamic network on the shipped Fashion-MNIST subset, four widths, a
 * table and a plot, in a few minutes on two cores with nothing to download.
 */
@Command(name = "demo", mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR")
    Path out;

    @Option(names = "--epochs", defaultValue = "6")
    int epochs;

    @Override
    public Integer call() {
        TrainConfig config = Demo.config(epochs, common.seed);
        common.startEngine();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(
                "Training cnn on the shipped Fashion-MNIST subset (10,000 images; 1,000 held out), widths %s%n",
                config.widths());
        stdout.flush();
        Demo.Result result =
                Demo.run(config, out, new ProgressListener(spec.commandLine().getErr(), !common.quiet));
        stdout.print(SubnetTable.text(result.training().subnets()));
        stdout.printf(
                Locale.ROOT,
                "done in %.0f s; wrote %s and %s%n",
                result.seconds(),
                out.resolve(TrainPlan.RESULTS),
                out.resolve(TrainPlan.PLOT));
        stdout.flush();
        return 0;
    }
}
