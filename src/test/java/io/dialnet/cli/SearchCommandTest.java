package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class SearchCommandTest {
    /** {@code dialnet search ARGS} parsed as the command line parses it. */
    private static SearchCommand parse(String... args) {
        String[] line = Stream.concat(Stream.of("search"), Stream.of(args)).toArray(String[]::new);
        return (SearchCommand)
                Main.commandLine().parseArgs(line).subcommand().commandSpec().userObject();
    }

    /**
     * Issue 10, defect 7: DAC 2020's multi-path retrains the model fully for each subnet, so the
     * command's default is the recipe's epochs per subnet (it was 2, whatever the recipe).
     */
    @Test
    void multiPathRetrainsAFullRunPerSubnetUnlessToldOtherwise() {
        assertThat(parse("--data", "cifar10:x", "--out", "x", "--targets", "0.5", "--epochs", "15")
                        .epochsPerSubnet())
                .isEqualTo(15);
        assertThat(parse(
                                "--data",
                                "cifar10:x",
                                "--out",
                                "x",
                                "--targets",
                                "0.5",
                                "--epochs",
                                "15",
                                "--epochs-per-subnet",
                                "3")
                        .epochsPerSubnet())
                .isEqualTo(3);
    }
}
