package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.data.ImageDataset;
import io.dialnet.data.ImageSet;
import io.dialnet.experiment.Preset;
import io.dialnet.nn.ModelSpec;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CompareCommandTest {
    private static final ImageSet CIFAR_LIKE = new ImageDataset(
            new byte[0],
            new int[0],
            3,
            32,
            32,
            IntStream.range(0, 10).mapToObj(String::valueOf).toList());

    private static CompareCommand parse(String... args) {
        CompareCommand command = new CompareCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    /** The model the comparison builds for the command's options under {@code preset}. */
    private static ModelSpec modelSpec(CompareCommand command, Preset preset) {
        return preset.modelSpec(command.model.model, command.model.groupSize, CIFAR_LIKE);
    }

    @Test
    void theProtocolCutsInTheRegisteredGroupsOfFourWhateverTheCpusSimdBlock() {
        // on an AVX-512 machine the default group is 16, where 12/24/48 (the 0.75 plan) cannot exist
        Preset protocol = Preset.named("protocol", 0);
        assertThat(modelSpec(parse("--data", "cifar10:x", "--out", "x"), protocol)
                        .groupSize())
                .isEqualTo(4);
        assertThat(modelSpec(parse("--data", "cifar10:x", "--out", "x", "--group-size", "8"), protocol)
                        .groupSize())
                .isEqualTo(8);
        assertThat(modelSpec(parse("--data", "cifar10:x", "--out", "x"), Preset.named("quick", 0))
                        .groupSize())
                .isEqualTo(ModelSpec.resolveGroupSize(0));
    }
}
