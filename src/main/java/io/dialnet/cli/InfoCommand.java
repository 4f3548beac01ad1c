package io.dialnet.cli;

import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.zoo.ModelSummary;
import io.dialnet.nn.zoo.ModelZoo;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialnet info}: the coupling sets, MACs and params of a model at any width or plan. */
@Command(name = "info", mixinStandardHelpOptions = true)
final class InfoCommand extends DialnetCommand {
    @Option(names = "--model", required = true, completionCandidates = ModelOptions.Names.class)
    String model;

    @ArgGroup(exclusive = true)
    Subnet subnet = new Subnet();

    static final class Subnet {
        @Option(names = "--width")
        Double width;

        @Option(names = "--plan", paramLabel = "FILE")
        Path plan;
    }

    @Option(names = "--input-size")
    Integer inputSize;

    @Option(names = "--classes")
    Integer classes;

    @Option(names = "--group-size", defaultValue = "0")
    int groupSize;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
        ModelSpec modelSpec = ModelZoo.spec(model, inputSize, classes, groupSize);
        common.startEngine();
        ChannelPlan plan = subnet.plan != null ? ChannelPlan.read(subnet.plan) : null;
        ModelSummary summary = ModelSummary.of(modelSpec, plan, subnet.width, common.seed);
        print(json ? summary.json() + System.lineSeparator() : summary.text());
        return 0;
    }
}
