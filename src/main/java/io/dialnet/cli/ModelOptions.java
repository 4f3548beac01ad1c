package io.dialnet.cli;

import io.dialnet.nn.zoo.ModelZoo;
import java.util.Iterator;
import picocli.CommandLine.Option;

/** Which architecture to build; its input comes from the data. */
public final class ModelOptions {
    @Option(names = "--model", defaultValue = "resnet20", completionCandidates = ModelOptions.Names.class)
    String model;

    @Option(names = "--group-size", defaultValue = "0")
    int groupSize;

    void requireKnown() {
        ModelZoo.requireKnown(model);
    }

    /** The zoo's names, for help texts ({@code ${COMPLETION-CANDIDATES}}). */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ModelZoo.names().iterator();
        }
    }
}
