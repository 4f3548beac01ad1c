package io.dialnet.cli;

import io.dialnet.nn.zoo.ModelZoo;
import picocli.CommandLine.Option;

/** Which architecture to build; its input comes from the data. */
public final class ModelOptions {
    @Option(names = "--model", defaultValue = "resnet20", completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--group-size", defaultValue = "0")
    int groupSize;

    void requireKnown() {
        ModelZoo.requireKnown(model);
    }
}
