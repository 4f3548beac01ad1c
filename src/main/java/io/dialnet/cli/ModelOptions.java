package io.dialnet.cli;

import io.dialnet.data.ImageSet;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.zoo.ModelZoo;
import picocli.CommandLine.Option;

/** Which architecture to build; its input comes from the data. */
public final class ModelOptions {
    @Option(names = "--model", defaultValue = "resnet20", description = "Architecture: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--group-size", defaultValue = "0", description = "Channels per group (0 = 4 for small inputs, 8 for ImageNet-size).")
    int groupSize;

    void requireKnown() {
        ModelZoo.requireKnown(model);
    }

    /** The model for images like those of {@code train}. */
    ModelSpec specFor(ImageSet train) {
        return specFor(model, groupSize, train);
    }

    static ModelSpec specFor(String model, int groupSize, ImageSet train) {
        if (train.height() != train.width()) {
            throw new IllegalArgumentException("images are " + train.height() + "x" + train.width()
                    + "; Dialnet models take square inputs");
        }
        return new ModelSpec(model, train.channels(), train.height(), train.classes(), groupSize);
    }
}
