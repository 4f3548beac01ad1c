package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: names and plans are parsed where they enter, so a bad one fails at once, naming the
 * option and what it accepts, before any data is read or any network built.
 */
class BoundaryTest {
    @TempDir
    Path dir;

    @Test
    void aMalformedPlanFailsBeforeAnyDataIsRead() {
        CliTest.Run r = CliTest.run(
                "train",
                "--data",
                "idx:" + dir.resolve("no-such-data"),
                "--model",
                "cnn",
                "--strategy",
                "joint",
                "--plans",
                "32,64,128;16,x,64",
                "--out",
                dir.resolve("out").toString());
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err())
                .contains("dialnet: --plans: a plan is a comma-separated list of channel counts, got '16,x,64'")
                .doesNotContain("no-such-data");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void unknownNamesNameTheOptionAndTheKnownOnes() {
        CliTest.Run strategy = CliTest.run("train", "--data", "idx:demo", "--out", "x", "--strategy", "greedy");
        assertThat(strategy.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(strategy.err())
                .contains("dialnet: --strategy: greedy is not a strategy; known: individual, uniform, joint");
        CliTest.Run method =
                CliTest.run("search", "--data", "idx:demo", "--out", "x", "--targets", "0.5", "--method", "greedy");
        assertThat(method.err())
                .contains("dialnet: --method greedy: not a search method; known: progressive, multipath, singlepath");
        CliTest.Run arms = CliTest.run("compare", "--data", "idx:demo", "--out", "x", "--methods", "uniform,greedy");
        assertThat(arms.err()).contains("dialnet: --methods: unknown method 'greedy'; known: individual,");
        CliTest.Run bench = CliTest.run("bench", "training", "--strategy", "joint2");
        assertThat(bench.err()).contains("--strategy: joint2 is not a strategy");
    }
}
