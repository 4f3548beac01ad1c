package io.dialnet.cli;

import ai.djl.Device;
import io.dialnet.experiment.Arm;
import io.dialnet.experiment.ComparePlan;
import io.dialnet.experiment.RunDirectory;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dialnet compare}: every method on one model and data set with the same seed, recipe and
 * epochs; {@code compare.json}, {@code compare.md} and {@code compare.png} (one curve per method).
 * A preset sets the schedule; options given on the command line still win.
 */
@Command(name = "compare", mixinStandardHelpOptions = true)
final class CompareCommand extends RunCommand {
    @Option(names = "--preset", defaultValue = "protocol")
    String preset;

    @Option(names = "--methods", split = ",")
    List<Arm> methods;

    @Option(names = "--widths", split = ",")
    List<Double> widths;

    @Option(names = "--epochs")
    Integer epochs;

    @Override
    public Integer call() {
        model.requireKnown();
        ComparePlan plan =
                ComparePlan.of(preset, epochs, methods, widths, model.model, model.groupSize, common.seed, out);
        prepare(RunDirectory.COMPARE);
        Device onDevice = device.single("compare").primary();
        common.startEngine();
        print(plan.run(data.request(), onDevice, progress()));
        return 0;
    }
}
