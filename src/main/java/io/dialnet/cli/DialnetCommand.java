package io.dialnet.cli;

import io.dialnet.experiment.ConsoleProgress;
import io.dialnet.runtime.CpuContention;
import io.dialnet.train.TrainingListener;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the commands share: the {@link CommonOptions} (seed, threads, verbosity, config file) and
 * the command's output streams (a test's writers under {@link Main#execute}), so that a command's
 * {@code call()} is only the options it checks, the library call it makes and what it prints.
 */
abstract class DialnetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    /** The command's standard output: its answer. */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command's error stream: progress and notices. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints {@code text} on the standard output, at once. */
    void print(String text) {
        out().print(text);
        out().flush();
    }

    /** Prints one line of a table or log on the standard output, at once. */
    void println(String line) {
        out().println(line);
        out().flush();
    }

    /**
     * Warns on the error stream when other processes kept the CPUs busy just before or just after
     * a latency measurement: {@code before} is {@link CpuContention#othersShare()} taken before it.
     */
    void warnIfContended(double before) {
        double busiest = Math.max(before, CpuContention.othersShare());
        if (busiest > CpuContention.BUSY) {
            err().println("dialnet: latency: " + CpuContention.warning(busiest));
            err().flush();
        }
    }

    /** Training progress on the error stream: a bar on a terminal (unless {@code --quiet}), a line per epoch. */
    TrainingListener progress() {
        return new ConsoleProgress(err(), !common.quiet);
    }
}
