package io.dialnet.cli;

import static io.dialnet.cli.CliTest.SMALL_TRAIN;
import static io.dialnet.cli.CliTest.run;
import static io.dialnet.cli.CliTest.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.cli.CliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, no lost work: an earlier run in --out is continued or replaced on request only. */
@Tag("engine")
class RunDirectoryTest {
    @TempDir
    Path dir;

    /** Issue 13: a second train into the same --out overwrote the first and appended to its log (epochs 1, 1). */
    @Test
    void issue13_trainRefusesAnEarlierRunUnlessResumedOrOverwritten() throws IOException {
        Path out = dir.resolve("run");
        String[] train = with(SMALL_TRAIN, "--data", "idx:demo", "--strategy", "individual", "--out", out.toString());
        assertThat(run(train).code()).isZero();
        byte[] first = Files.readAllBytes(out.resolve("checkpoint.zip"));

        Run again = run(train);
        assertThat(again.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(again.err().strip())
                .contains("--out " + out)
                .contains("holds an earlier run")
                .contains("--resume")
                .contains("--overwrite")
                .doesNotContain("\n");
        assertThat(Files.readAllBytes(out.resolve("checkpoint.zip"))).isEqualTo(first);

        Run both = run(with(train, "--resume", "--overwrite"));
        assertThat(both.code()).isEqualTo(Main.BAD_INPUT);

        Run resumed = run(with(train, "--resume"));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl"))).hasSize(1);

        Path mine = Files.writeString(out.resolve("notes.txt"), "the user's own file");
        Run overwritten = run(with(train, "--overwrite"));
        assertThat(overwritten.code()).as(overwritten.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("metrics.jsonl")))
                .hasSize(1)
                .allMatch(l -> l.contains("\"epoch\":1"));
        assertThat(mine).hasContent("the user's own file");
    }

    /** Issue 13: an unwritable --out was found only after a whole epoch, with exit 1. */
    @Test
    void issue13_unwritableOutIsRefusedBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Path out = file.resolve("run");
        for (String command : new String[] {"train", "search", "compare"}) {
            String[] args = command.equals("train")
                    ? with(SMALL_TRAIN, "--data", "idx:demo", "--out", out.toString())
                    : new String[] {
                        command,
                        "--data",
                        "idx:demo",
                        "--model",
                        "cnn",
                        command.equals("compare") ? "--widths" : "--targets",
                        command.equals("compare") ? "1.0,0.5" : "0.5",
                        "--out",
                        out.toString(),
                        "--quiet",
                        "--threads",
                        "1"
                    };
            Run r = run(args);
            assertThat(r.code()).as(command + ": " + r.err()).isEqualTo(Main.BAD_INPUT);
            assertThat(r.err())
                    .contains(out.toString())
                    .contains("not a writable directory")
                    .doesNotContain("\tat ")
                    .as("refused before any training")
                    .doesNotContain("epoch ");
        }
    }

    /** Issue 13: search and compare took any --out and mixed a new run into an earlier one. */
    @Test
    void issue13_searchAndCompareRefuseAnEarlierRun() throws IOException {
        Path search = Files.createDirectories(dir.resolve("search"));
        Files.writeString(search.resolve("search.json"), "{}");
        Run s = run(
                "search",
                "--data",
                "cifar10:" + dir.resolve("nowhere"),
                "--model",
                "cnn",
                "--targets",
                "0.5",
                "--out",
                search.toString());
        assertThat(s.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(s.err()).contains("holds an earlier run (search.json)");

        Path compare = Files.createDirectories(dir.resolve("compare").resolve("uniform"));
        Run c = run(
                "compare",
                "--data",
                "cifar10:" + dir.resolve("nowhere"),
                "--model",
                "cnn",
                "--out",
                compare.getParent().toString());
        assertThat(c.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(c.err()).contains("holds an earlier run (uniform)");
        Run overwritten = run(
                "compare",
                "--data",
                "cifar10:" + dir.resolve("nowhere"),
                "--model",
                "cnn",
                "--out",
                compare.getParent().toString(),
                "--overwrite");
        assertThat(overwritten.err()).contains("nowhere"); // past the --out check, to the data
        assertThat(compare).doesNotExist();
    }
}
