package io.dialnet.cli;

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
}
