package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dialnet compare-report} on runs that cannot give what was asked: one line, exit 2. */
@Tag("fast")
class CompareReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void aRunWithoutItsIndividualArmIsNamed() {
        CliTest.Run run = CliTest.run("compare-report", "--runs", dir.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err())
                .contains(dir + " has no finished individual arm (individual/arm.json)")
                .doesNotContain("\tat ");
    }

    /** The equal-compute plot is relative to US-Nets; without that arm it is refused after the tables print. */
    @Test
    void theComputePlotNeedsUsNetsAndTheTablesStillPrint() throws IOException {
        Path individual = Files.createDirectories(dir.resolve("individual"));
        Files.writeString(individual.resolve("arm.json"), """
                {"method": "individual", "subnets": [{"name": "w1.00", "channels": [16], "macs": 1000000,
                  "params": 100, "validationAccuracy": 0.8, "testAccuracy": 0.75}],
                 "compute": {"training": 1e12, "ranking": 0, "calibration": 0, "evaluation": 0, "seconds": 60}}
                """);
        CliTest.Run run = CliTest.run(
                "compare-report",
                "--runs",
                dir.toString(),
                "--compute-plot",
                dir.resolve("c.png").toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).contains("| individual | 75.00 (1.00M) |");
        assertThat(run.err()).contains("every run needs a finished uniform arm (uniform/arm.json)");
        assertThat(dir.resolve("c.png")).doesNotExist();
    }
}
