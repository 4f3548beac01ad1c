package io.dialnet.cli;

import io.dialnet.SimdBlock;
import io.dialnet.data.ImageSet;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.zoo.ModelZoo;
import picocli.CommandLine.Option;

/** Which architecture to build; its input comes from the data. */
public final class ModelOptions {
    @Option(
            names = "--model",
            defaultValue = "resnet20",
            description = "Architecture: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = ModelNames.class)
    String model;

    @Option(
            names = "--group-size",
            defaultValue = "0",
            description =
                    "Channels per group, the unit of cutting (0 = this CPU's SIMD block: 8 fp32 lanes on AVX2, 16 on AVX-512, so every subnet's channel counts are whole vectors).")
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
            throw new IllegalArgumentException(
                    "images are " + train.height() + "x" + train.width() + "; Dialnet models take square inputs");
        }
        return new ModelSpec(model, train.channels(), train.height(), train.classes(), resolvedGroupSize(groupSize));
    }

    /** {@code groupSize}, or this CPU's SIMD block when it is 0: the resolved number is what checkpoints record. */
    static int resolvedGroupSize(int groupSize) {
        return groupSize > 0 ? groupSize : SimdBlock.detect().floats();
    }
}
