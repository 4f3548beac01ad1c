package io.dialnet.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dialnet.Json;
import io.dialnet.train.Compute;
import io.dialnet.train.SubnetResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The finished arms of a protocol read back, one comparison directory per seed: each arm's
 * subnets by target and which test images each got right. Reads {@code <arm>/arm.json} and
 * {@code <arm>/test-correct.json}, so it works on a comparison still running.
 *
 * <p>Subnets are matched by target: {@code w1.00, w0.75, ...} of the width-based arms in the
 * individual arm's order, and {@code s1, s2, ...} of the searches. A search's full plan trained
 * alone is the individual full-width run, so {@code alone-*} arms take their {@code s1} from there.
 * A target counts for an arm only where every seed has it (a search's last filter may drop a
 * subnet in one seed and keep it in another): its means and differences then cover the same seeds
 * as every other target's.
 */
final class ProtocolRuns {
    /** One arm in one seed: its subnets by target index and which test images each got right. */
    private record ArmRun(
            Comparison.MethodResult result, Map<Integer, SubnetResult> subnets, Map<Integer, boolean[]> correct) {}

    private final List<Path> dirs;
    private final List<Map<Arm, ArmRun>> seeds;

    private ProtocolRuns(List<Path> dirs, List<Map<Arm, ArmRun>> seeds) {
        this.dirs = dirs;
        this.seeds = seeds;
    }

    /** Every finished arm of each directory (one per seed); each needs its individual arm. */
    static ProtocolRuns read(List<Path> dirs) {
        return new ProtocolRuns(
                List.copyOf(dirs), dirs.stream().map(ProtocolRuns::readRun).toList());
    }

    List<Path> dirs() {
        return dirs;
    }

    int seedCount() {
        return seeds.size();
    }

    /** The arms finished in every seed, in the order they run. */
    List<Arm> arms() {
        return Comparison.ARMS.stream().filter(this::has).toList();
    }

    /**
     * The arms finished in some seeds but not all, each with the directories that lack it: the
     * report leaves them out, and says so.
     */
    Map<Arm, List<Path>> unfinished() {
        Map<Arm, List<Path>> missing = new LinkedHashMap<>();
        for (Arm arm : Comparison.ARMS) {
            List<Path> lacking = IntStream.range(0, seeds.size())
                    .filter(i -> !seeds.get(i).containsKey(arm))
                    .mapToObj(dirs::get)
                    .toList();
            if (!lacking.isEmpty() && lacking.size() < seeds.size()) {
                missing.put(arm, lacking);
            }
        }
        return missing;
    }

    /** Whether {@code arm} has finished in every seed. */
    boolean has(Arm arm) {
        return seeds.stream().allMatch(s -> s.containsKey(arm));
    }

    /** How many targets there are: the individual arm's widths. */
    int targets() {
        return seeds.get(0).get(Arm.INDIVIDUAL).subnets().size();
    }

    /** The targets {@code arm} has in every seed, in order. */
    List<Integer> targetsOf(Arm arm) {
        return IntStream.range(0, targets())
                .filter(k -> hasTarget(arm, k))
                .boxed()
                .toList();
    }

    /** Whether {@code arm} has a subnet at target {@code k} in every seed. */
    private boolean hasTarget(Arm arm, int k) {
        return seeds.stream().allMatch(s -> subnet(s, arm, k) != null);
    }

    /** {@code arm}'s subnet at target {@code k} in the first seed (its name, plan and MACs), or {@code null}. */
    SubnetResult first(Arm arm, int k) {
        return hasTarget(arm, k) ? subnet(seeds.get(0), arm, k) : null;
    }

    /** {@code arm}'s test accuracy at target {@code k}, mean over the seeds; NaN where a seed lacks it. */
    double meanTest(Arm arm, int k) {
        return mean(arm, k, SubnetResult::testAccuracy);
    }

    /** {@code arm}'s validation accuracy at target {@code k}, mean over the seeds; NaN where a seed lacks it. */
    double meanValidation(Arm arm, int k) {
        return mean(arm, k, SubnetResult::validationAccuracy);
    }

    private double mean(Arm arm, int k, ToDoubleFunction<SubnetResult> value) {
        if (!hasTarget(arm, k)) {
            return Double.NaN;
        }
        return seeds.stream()
                .mapToDouble(s -> value.applyAsDouble(subnet(s, arm, k)))
                .average()
                .orElse(Double.NaN);
    }

    /**
     * {@code arm}'s test accuracy averaged over its targets and the seeds: the accuracy its compute
     * bought. Not for {@code alone-*} arms, whose full plan is the individual arm's and not in their cost.
     */
    double meanTestOverTargets(Arm arm) {
        return targetsOf(arm).stream()
                .mapToDouble(k -> meanTest(arm, k))
                .average()
                .orElse(Double.NaN);
    }

    /** Which test images {@code arm}'s subnet at target {@code k} got right per seed; null if a seed lacks it. */
    List<boolean[]> correct(Arm arm, int k) {
        List<boolean[]> flags = seeds.stream().map(s -> correct(s, arm, k)).toList();
        return flags.stream().anyMatch(Objects::isNull) ? null : flags;
    }

    /** How many test images seed {@code seed} was tested on (its individual full width's), or -1 if unknown. */
    int testImages(int seed) {
        boolean[] c = seeds.get(seed).get(Arm.INDIVIDUAL).correct().get(0);
        return c == null ? -1 : c.length;
    }

    /** {@code arm}'s compute, mean over the seeds. */
    Compute meanCompute(Arm arm) {
        Compute sum = Compute.NONE;
        for (Map<Arm, ArmRun> s : seeds) {
            sum = sum.plus(s.get(arm).result().compute());
        }
        double n = seeds.size();
        return new Compute(
                sum.training() / n, sum.ranking() / n, sum.calibration() / n, sum.evaluation() / n, sum.seconds() / n);
    }

    private static SubnetResult subnet(Map<Arm, ArmRun> seed, Arm arm, int target) {
        SubnetResult s = seed.get(arm).subnets().get(target);
        return s == null && arm.kind() == Arm.Kind.ALONE && target == 0
                ? seed.get(Arm.INDIVIDUAL).subnets().get(0)
                : s;
    }

    private static boolean[] correct(Map<Arm, ArmRun> seed, Arm arm, int target) {
        boolean[] c = seed.get(arm).correct().get(target);
        return c == null && arm.kind() == Arm.Kind.ALONE && target == 0
                ? seed.get(Arm.INDIVIDUAL).correct().get(0)
                : c;
    }

    /** Every finished arm of one comparison directory. */
    private static Map<Arm, ArmRun> readRun(Path run) {
        Map<Arm, ArmRun> arms = new LinkedHashMap<>();
        Map<String, Integer> widthIndex = new LinkedHashMap<>();
        for (Arm arm : Comparison.ARMS) {
            Path dir = run.resolve(arm.id());
            if (arm != Arm.ABLATION && Files.exists(dir.resolve(Comparison.ARM_RESULT))) {
                arms.put(arm, readArm(dir, arm == Arm.INDIVIDUAL, widthIndex));
            }
        }
        if (!arms.containsKey(Arm.INDIVIDUAL)) {
            throw new IllegalArgumentException(run + " has no finished individual arm (individual/"
                    + Comparison.ARM_RESULT + "); the report matches every arm's subnets to its widths");
        }
        return arms;
    }

    /**
     * One finished arm's subnets and test predictions by target index: the searches' {@code s1, s2,
     * ...} are targets 0, 1, ...; widths are matched by the order of the individual arm, which is
     * read first and records that order in {@code widthIndex}.
     */
    private static ArmRun readArm(Path dir, boolean individual, Map<String, Integer> widthIndex) {
        try {
            Comparison.MethodResult result =
                    Json.LENIENT.readValue(dir.resolve(Comparison.ARM_RESULT).toFile(), Comparison.MethodResult.class);
            Map<String, String> correct = Files.exists(dir.resolve(Comparison.PREDICTIONS))
                    ? Json.LENIENT.readValue(dir.resolve(Comparison.PREDICTIONS).toFile(), new TypeReference<>() {})
                    : Map.of();
            if (individual) {
                result.subnets().forEach(s -> widthIndex.put(s.name(), widthIndex.size()));
            }
            Map<Integer, SubnetResult> subnets = new LinkedHashMap<>();
            Map<Integer, boolean[]> flags = new LinkedHashMap<>();
            for (SubnetResult s : result.subnets()) {
                Integer k = s.name().startsWith("s")
                        ? Integer.valueOf(Integer.parseInt(s.name().substring(1)) - 1)
                        : widthIndex.get(s.name());
                if (k == null) {
                    throw new IllegalArgumentException(dir + ": subnet " + s.name() + " matches no target");
                }
                subnets.put(k, s);
                if (correct.containsKey(s.name())) {
                    flags.put(k, flags(correct.get(s.name())));
                }
            }
            return new ArmRun(result, subnets, flags);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code test-correct.json}'s string of '1' (right) and '0' (wrong) as flags. */
    private static boolean[] flags(String bits) {
        boolean[] b = new boolean[bits.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = bits.charAt(i) == '1';
        }
        return b;
    }
}
