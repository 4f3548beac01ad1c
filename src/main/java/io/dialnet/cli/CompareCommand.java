package io.dialnet.cli;

import ai.djl.Device;
import io.dialnet.experiment.ComparePlan;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet compare}: every method on one model and data set with the same seed, recipe and
 * epochs; {@code compare.json}, {@code compare.md} and {@code compare.png} (one curve per method).
 * A preset sets the schedule; options given on the command line still win.
 */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Compare individual, uniform (US-Nets), joint (S-Nets), multipath, singlepath and progressive "
                + "(and each search's plans trained alone, and a ranking ablation) on one model and data set. "
                + "Presets: protocol (the pre-registered CIFAR-10 protocol of docs/RESULTS.md: 15 epochs on all "
                + "data, about 14 hours on 2 cores), quick (a smoke test on 10,000 images; it does not test the "
                + "paper's claim).")
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions device;

    @Option(
            names = "--preset",
            defaultValue = "protocol",
            description = "protocol or quick (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(
            names = "--methods",
            split = ",",
            description =
                    "A subset of the arms " + "individual,uniform,progressive,"
                            + "alone-progressive,ablation,joint,multipath,singlepath,alone-multipath,alone-singlepath (default: the preset's).")
    List<String> methods;

    @Option(
            names = "--widths",
            split = ",",
            description =
                    "Uniform widths, full first; the searches' targets are their exact MACs (default: 1.0,0.75,0.5,0.25).")
    List<Double> widths;

    @Option(names = "--epochs", description = "Epochs of every method's main training (protocol: 15, quick: 6).")
    Integer epochs;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Output directory; one sub-directory per arm, resumable.")
    Path out;

    @Option(
            names = "--resume",
            description =
                    "Continue the comparison in DIR: finished methods are read back, the interrupted one resumes.")
    boolean resume;

    @Option(
            names = "--overwrite",
            description = "Start again in a DIR that holds an earlier comparison, replacing its outputs.")
    boolean overwrite;

    @Override
    public Integer call() {
        model.requireKnown();
        ComparePlan plan =
                ComparePlan.of(preset, epochs, methods, widths, model.model, model.groupSize, common.seed, out);
        RunDirectory.prepare(out, resume, overwrite, RunDirectory.COMPARE);
        Device onDevice = device.single("compare").primary();
        common.startEngine();
        String table = plan.run(
                data.request(),
                onDevice,
                new ProgressListener(spec.commandLine().getErr(), !common.quiet));
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
