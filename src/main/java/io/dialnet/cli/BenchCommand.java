package io.dialnet.cli;

import picocli.CommandLine.Command;

/** {@code dialnet bench}: measurements of this machine. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchTrainingCommand.class,
            BenchLatencyCommand.class,
            BenchSwitchCommand.class,
            BenchDialCommand.class
        })
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "a benchmark is required: training, latency, switch or dial");
    }
}
