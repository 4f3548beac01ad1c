package io.dialnet.cli;

import io.dialnet.experiment.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that trains into an output directory (train, search, compare): the options they
 * share are its data, model, device and where it writes, resuming or overwriting an earlier run.
 */
abstract class RunCommand extends DialnetCommand {
    @Mixin
    DataOptions data;

    @Mixin
    ModelOptions model;

    @Mixin
    DeviceOptions device;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--resume")
    boolean resume;

    @Option(names = "--overwrite")
    boolean overwrite;

    /** Checks {@link #out} for a run that writes {@code outputs}, clearing an earlier one if asked. */
    void prepare(List<String> outputs) {
        RunDirectory.prepare(out, resume, overwrite, outputs);
    }
}
