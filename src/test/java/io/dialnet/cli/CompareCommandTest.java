package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.data.ImageDataset;
import io.dialnet.data.ImageSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CompareCommandTest {
    private static final ImageSet CIFAR_LIKE = new ImageDataset(
            new byte[0],
            new int[0],
            3,
            32,
            32,
            java.util.stream.IntStream.range(0, 10).mapToObj(String::valueOf).toList());

    private static CompareCommand parse(String... args) {
        CompareCommand command = new CompareCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void theProtocolCutsInTheRegisteredGroupsOfFourWhateverTheCpusSimdBlock() {
        // on an AVX-512 machine the default group is 16, where 12/24/48 (the 0.75 plan) cannot exist
        CompareCommand.Preset protocol = CompareCommand.Preset.named("protocol", 0);
        assertThat(parse("--data", "cifar10:x", "--out", "x")
                        .modelSpec(protocol, CIFAR_LIKE)
                        .groupSize())
                .isEqualTo(4);
        assertThat(parse("--data", "cifar10:x", "--out", "x", "--group-size", "8")
                        .modelSpec(protocol, CIFAR_LIKE)
                        .groupSize())
                .isEqualTo(8);
        assertThat(parse("--data", "cifar10:x", "--out", "x")
                        .modelSpec(CompareCommand.Preset.named("quick", 0), CIFAR_LIKE)
                        .groupSize())
                .isEqualTo(ModelOptions.resolvedGroupSize(0));
    }
}
