package io.dialnet.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.Json;
import io.dialnet.train.Compute;
import io.dialnet.train.SubnetResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protocol's report on arms written by hand: what it does with seeds that do not agree. */
@Tag("fast")
class ProtocolReportTest {
    private static final int IMAGES = 200;

    @TempDir
    Path dir;

    /**
     * A search's last filter may drop a subnet in one seed and keep it in another: the report says
     * "-" for that target (its mean and difference would cover other seeds than the rest) instead
     * of failing on the seed that lacks it, and its plots and equal-compute view leave it out.
     */
    @Test
    void aSubnetOneSeedDroppedIsLeftOutOfEveryMeanNotAFailure() throws IOException {
        Path seed0 = seed("seed-0", List.of("s1", "s2"));
        Path seed1 = seed("seed-1", List.of("s1"));
        List<Path> runs = List.of(seed0, seed1);

        String report = ProtocolReport.markdown(runs, List.of("uniform", "individual"));

        // target 2: every seed's individual and uniform have it, one seed's progressive does not
        assertThat(report).contains("| progressive | 80.00 (4.00M) | - |");
        assertThat(report).containsPattern("\\| progressive \\| [+-]\\d+\\.\\d\\d \\[[^|]+\\| - \\|");
        // the equal-compute view averages the subnets every seed has: progressive's s1 only
        assertThat(report).containsPattern("\\| progressive \\|( \\S+ \\|){7} 80\\.00 \\|");
        ProtocolReport.plot(runs, dir.resolve("macs.png"));
        ProtocolReport.computePlot(runs, dir.resolve("compute.png"));
        assertThat(dir.resolve("macs.png")).isNotEmptyFile();
        assertThat(dir.resolve("compute.png")).isNotEmptyFile();
    }

    /**
     * A seed still running has not finished every arm: the report covers the arms every seed has
     * and names the ones it leaves out and where they are missing, rather than dropping them silently.
     */
    @Test
    void anArmNotFinishedInEverySeedIsNamedAsLeftOut() throws IOException {
        Path seed0 = seed("seed-0", List.of("s1", "s2"));
        Path seed1 = dir.resolve("seed-1");
        arm(seed1, Arm.INDIVIDUAL, List.of("w1.00", "w0.50"), 0.75);

        String report = ProtocolReport.markdown(List.of(seed0, seed1), List.of("uniform"));

        assertThat(report)
                .contains("Left out: uniform, not finished in " + seed1 + ".")
                .contains("Left out: progressive, not finished in " + seed1 + ".")
                .contains("| individual | 75.00 (4.00M) | 75.00 (2.00M) |")
                .doesNotContain("| uniform |");
    }

    /**
     * As registered, McNemar's test is reported per seed as well as pooled: with 200 test images,
     * individual gets 10 right that uniform gets wrong in each seed (p = 2 / 2^10), 20 pooled.
     */
    @Test
    void mcnemarIsReportedPerSeedBesideThePooledTest() throws IOException {
        Path seed0 = seed("seed-0", List.of("s1", "s2"));
        Path seed1 = seed("seed-1", List.of("s1", "s2"));

        String report = ProtocolReport.markdown(List.of(seed0, seed1), List.of("uniform"));

        assertThat(report)
                .contains("| individual | +5.00 [")
                .contains("(1.9e-06) |")
                .contains("McNemar's exact p per seed (" + seed0 + " / " + seed1 + ")")
                .contains("| individual | 0.0020 / 0.0020 | 0.0020 / 0.0020 |");
    }

    /** A seed's directory: individual and uniform at widths 1.0 and 0.5, and progressive's {@code subnets}. */
    private Path seed(String name, List<String> progressive) throws IOException {
        Path run = dir.resolve(name);
        arm(run, Arm.INDIVIDUAL, List.of("w1.00", "w0.50"), 0.75);
        arm(run, Arm.UNIFORM, List.of("w1.00", "w0.50"), 0.70);
        arm(run, Arm.PROGRESSIVE, progressive, 0.80);
        return run;
    }

    /** One finished arm: every subnet right on the first {@code accuracy} of the test images. */
    private static void arm(Path run, Arm arm, List<String> names, double accuracy) throws IOException {
        List<SubnetResult> subnets = new ArrayList<>();
        Map<String, String> correct = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
            long macs = 4_000_000L >> k;
            subnets.add(new SubnetResult(names.get(k), List.of(16 >> k), macs, 1000, accuracy, accuracy));
            int right = (int) Math.round(accuracy * IMAGES);
            correct.put(names.get(k), "1".repeat(right) + "0".repeat(IMAGES - right));
        }
        Path armDir = Files.createDirectories(run.resolve(arm.id()));
        Json.LENIENT.writeValue(
                armDir.resolve(Comparison.ARM_RESULT).toFile(),
                new Comparison.MethodResult(arm.id(), subnets, new Compute(1e12, 0, 0, 0, 3600), null));
        Json.LENIENT.writeValue(armDir.resolve(Comparison.PREDICTIONS).toFile(), correct);
    }
}
