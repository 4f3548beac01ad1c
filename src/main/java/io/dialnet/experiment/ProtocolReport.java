package io.dialnet.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dialnet.Json;
import io.dialnet.report.PairedStatistics;
import io.dialnet.report.Plots;
import io.dialnet.report.SubnetTable;
import io.dialnet.search.AcceptedSubnet;
import io.dialnet.search.SearchConfig;
import io.dialnet.train.Compute;
import io.dialnet.train.SubnetResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The protocol's tables from one comparison directory per seed ({@link ProtocolRuns}): each arm's
 * test accuracy per target, its difference from the reference arms with a paired bootstrap
 * interval over seeds and test images and McNemar's test, and what each arm cost; arms finished in
 * every seed are reported, so it works on a comparison still running.
 */
public final class ProtocolReport {
    private static final int RESAMPLES = 10_000;
    /** The reference that compares each search with its own plans trained alone. */
    public static final String ALONE_REFERENCE = "alone";

    private ProtocolReport() {}

    /**
     * The report of the arms found in every one of {@code runs} (one directory per seed), each
     * compared with every arm of {@code references} ({@code alone}: a search's own plans trained alone).
     */
    public static String markdown(List<Path> runs, List<String> references) {
        ProtocolRuns seeds = ProtocolRuns.read(runs);
        List<Arm> arms = seeds.arms();
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Seeds: %d (%s). Test accuracy in %%, mean over seeds; "
                        + "differences in points with 95 %% paired-bootstrap intervals (%,d resamples over seeds "
                        + "and test images) and McNemar's exact p on pooled discordant pairs.%n%n",
                runs.size(),
                runs,
                RESAMPLES));
        seeds.unfinished()
                .forEach((arm, lacking) -> out.append("Left out: " + arm.id() + ", not finished in "
                        + String.join(", ", lacking.stream().map(Path::toString).toList()) + ".\n\n"));
        accuracyTable(out, seeds, arms);
        for (String reference : references) {
            differenceTable(out, seeds, arms, reference);
        }
        out.append("\n");
        computeTable(out, seeds, arms);
        searchesTable(out, runs);
        ablationTable(out, runs);
        return out.toString();
    }

    /**
     * Test accuracy against MACs of every arm in all of {@code runs}, mean over the seeds (each
     * target's MACs from the first seed), drawn to {@code png}.
     */
    public static void plot(List<Path> runs, Path png) {
        ProtocolRuns seeds = ProtocolRuns.read(runs);
        Map<String, List<SubnetResult>> series = new LinkedHashMap<>();
        for (Arm arm : seeds.arms()) {
            List<SubnetResult> means = new ArrayList<>();
            for (int k : seeds.targetsOf(arm)) {
                SubnetResult first = seeds.first(arm, k);
                means.add(new SubnetResult(
                        first.name(),
                        first.channels(),
                        first.macs(),
                        first.params(),
                        seeds.meanValidation(arm, k),
                        seeds.meanTest(arm, k)));
            }
            series.put(arm.id(), means);
        }
        Plots.accuracyVsMacs(series, "Test accuracy against MACs, mean over " + runs.size() + " seed(s)", true, png);
    }

    /**
     * The equal-compute view: each arm's test accuracy (mean over its subnets and the seeds)
     * against its total compute relative to US-Nets, drawn to {@code png}; needs the uniform arm.
     */
    public static void computePlot(List<Path> runs, Path png) {
        ProtocolRuns seeds = ProtocolRuns.read(runs);
        if (!seeds.has(Arm.UNIFORM)) {
            throw new IllegalArgumentException("the compute plot is relative to US-Nets: "
                    + "every run needs a finished uniform arm (uniform/" + Comparison.ARM_RESULT + ")");
        }
        double uniform = seeds.meanCompute(Arm.UNIFORM).total();
        List<Plots.CostPoint> points = seeds.arms().stream()
                .filter(a -> a.kind() != Arm.Kind.ALONE)
                .map(a -> new Plots.CostPoint(
                        a.id(), seeds.meanCompute(a).total() / uniform, seeds.meanTestOverTargets(a)))
                .toList();
        Plots.accuracyVsCost(
                points,
                "Test accuracy against total compute, mean over " + runs.size() + " seed(s)",
                "forward + backward MACs x images, x US-Nets",
                png);
    }

    /** What a search left on disk: the subnets it accepted ({@code search.json}). */
    private record SearchState(List<AcceptedSubnet> accepted) {}

    /**
     * Each search's accepted plans per seed, with the validation accuracy at the end of its search
     * and whether selective fine-tuning ran or was skipped; nothing when no search has finished.
     */
    private static void searchesTable(StringBuilder out, List<Path> runs) {
        StringBuilder rows = new StringBuilder();
        int fineTuned = 0;
        int decided = 0;
        for (Path run : runs) {
            for (Arm arm : Comparison.ARMS) {
                Path state = run.resolve(arm.id()).resolve("search.json");
                if (arm.kind() != Arm.Kind.SEARCH || !Files.exists(state)) {
                    continue;
                }
                for (AcceptedSubnet s : readJson(state, SearchState.class).accepted()) {
                    rows.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %s | %s | %.2f | %s |%n",
                            run.getFileName(),
                            arm,
                            s.name(),
                            s.plan(),
                            SubnetTable.millions(s.macs()),
                            100 * s.accuracy(),
                            s.name().equals("s1") ? "-" : s.fineTuned() ? "yes" : "skipped"));
                    if (!s.name().equals("s1")) {
                        decided++;
                        fineTuned += s.fineTuned() ? 1 : 0;
                    }
                }
            }
        }
        if (decided == 0) {
            return;
        }
        out.append(String.format(
                Locale.ROOT,
                "%nThe searches' plans (validation accuracy at the end of the search, or so far for one still running; "
                        + "fine-tuning ran for %d of %d cuts, skipped for %d)%n%n"
                        + "| seed | arm | subnet | plan | MACs | validation | fine-tuning |%n"
                        + "|---|---|---|---|---:|---:|---|%n",
                fineTuned,
                decided,
                decided - fineTuned));
        out.append(rows);
    }

    /**
     * The ranking ablation: validation accuracy right after each ranking's cut and BatchNorm
     * calibration, before any fine-tuning, mean over the seeds that ran it; nothing before it has run.
     */
    private static void ablationTable(StringBuilder out, List<Path> runs) {
        Map<SearchConfig.Ranking.Kind, List<List<AcceptedSubnet>>> byRanking = new LinkedHashMap<>();
        for (Path run : runs) {
            Path file = run.resolve(Arm.ABLATION.id()).resolve(Comparison.ARM_RESULT);
            if (Files.exists(file)) {
                for (Comparison.AblationResult r :
                        readJson(file, new TypeReference<List<Comparison.AblationResult>>() {})) {
                    byRanking
                            .computeIfAbsent(r.ranking(), k -> new ArrayList<>())
                            .add(r.subnets());
                }
            }
        }
        if (byRanking.isEmpty()) {
            return;
        }
        out.append("\nThe ranking ablation: validation accuracy after the cut and calibration, before fine-tuning, ")
                .append("mean over seeds\n\n| ranking | seeds | subnets (MACs: accuracy) |\n|---|---:|---|\n");
        byRanking.forEach((ranking, seeds) -> {
            out.append("| ")
                    .append(ranking.name().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(seeds.size())
                    .append(" |");
            for (int k = 0; k < seeds.get(0).size(); k++) {
                int target = k;
                double mean = seeds.stream()
                        .filter(s -> s.size() > target)
                        .mapToDouble(s -> s.get(target).accuracy())
                        .average()
                        .orElse(Double.NaN);
                out.append(String.format(
                        Locale.ROOT,
                        " %s %s: %.2f;",
                        seeds.get(0).get(k).name(),
                        SubnetTable.millions(seeds.get(0).get(k).macs()),
                        100 * mean));
            }
            out.append(" |\n");
        });
    }

    private static <T> T readJson(Path file, Class<T> type) {
        try {
            return Json.LENIENT.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static <T> T readJson(Path file, TypeReference<T> type) {
        try {
            return Json.LENIENT.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void accuracyTable(StringBuilder out, ProtocolRuns seeds, List<Arm> arms) {
        int targets = seeds.targets();
        out.append("| arm |");
        for (int k = 0; k < targets; k++) {
            out.append(" target ").append(k + 1).append(" (MACs) |");
        }
        out.append("\n|---|").append("---:|".repeat(targets)).append('\n');
        for (Arm arm : arms) {
            out.append("| ").append(arm).append(" |");
            for (int k = 0; k < targets; k++) {
                SubnetResult first = seeds.first(arm, k);
                out.append(
                        first == null
                                ? " - |"
                                : String.format(
                                        Locale.ROOT,
                                        " %.2f (%s) |",
                                        100 * seeds.meanTest(arm, k),
                                        SubnetTable.millions(first.macs())));
            }
            out.append('\n');
        }
    }

    /**
     * Each arm against {@code reference} (an arm, or {@code alone}: each search against its own plans
     * alone); nothing when no arm of the runs has that reference (yet: runs are read as they land).
     */
    private static void differenceTable(StringBuilder out, ProtocolRuns seeds, List<Arm> arms, String reference) {
        boolean alone = reference.equals(ALONE_REFERENCE);
        Arm named =
                arms.stream().filter(a -> a.id().equals(reference)).findFirst().orElse(null);
        List<Arm[]> pairs = arms.stream()
                .map(arm -> new Arm[] {arm, alone ? arm.aloneArm() : named})
                // a search's plans alone are set against the individual widths (do the plans beat uniform ones?)
                .filter(p -> p[0] != p[1]
                        && arms.contains(p[1])
                        && (p[0].kind() != Arm.Kind.ALONE || p[1] == Arm.INDIVIDUAL))
                .toList();
        if (pairs.isEmpty()) {
            return;
        }
        differenceHeader(out, alone ? "the same plans trained alone" : reference, seeds.targets());
        for (Arm[] pair : pairs) {
            differenceRow(out, seeds, pair[0], seeds, pair[1]);
        }
        if (seeds.seedCount() > 1) {
            mcnemarPerSeed(out, seeds, pairs);
        }
    }

    /** McNemar's exact p of each pair per seed, beside the pooled one of the table above (as registered). */
    private static void mcnemarPerSeed(StringBuilder out, ProtocolRuns seeds, List<Arm[]> pairs) {
        out.append("\nMcNemar's exact p per seed (")
                .append(String.join(
                        " / ", seeds.dirs().stream().map(Path::toString).toList()))
                .append(")\n\n| arm |");
        for (int k = 0; k < seeds.targets(); k++) {
            out.append(" target ").append(k + 1).append(" |");
        }
        out.append("\n|---|").append("---:|".repeat(seeds.targets())).append('\n');
        for (Arm[] pair : pairs) {
            out.append("| ").append(pair[0]).append(" |");
            for (int k = 0; k < seeds.targets(); k++) {
                List<boolean[]> a = seeds.correct(pair[0], k);
                List<boolean[]> b = seeds.correct(pair[1], k);
                List<String> p = new ArrayList<>();
                for (int s = 0; a != null && b != null && s < a.size(); s++) {
                    p.add(PairedStatistics.formatP(PairedStatistics.mcnemar(a.get(s), b.get(s))));
                }
                out.append(' ')
                        .append(p.isEmpty() ? "-" : String.join(" / ", p))
                        .append(" |");
            }
            out.append('\n');
        }
    }

    private static void differenceHeader(StringBuilder out, String against, int targets) {
        out.append("\nAgainst ").append(against).append(": difference [95 % interval] (McNemar p)\n\n| arm |");
        for (int k = 0; k < targets; k++) {
            out.append(" target ").append(k + 1).append(" |");
        }
        out.append(" mean over targets |\n|---|")
                .append("---:|".repeat(targets + 1))
                .append('\n');
    }

    /**
     * One row: {@code arm} of {@code seeds} minus {@code ref} of {@code refSeeds} per target with its
     * interval, then the mean over targets.
     */
    private static void differenceRow(StringBuilder out, ProtocolRuns seeds, Arm arm, ProtocolRuns refSeeds, Arm ref) {
        out.append("| ").append(arm).append(" |");
        List<List<boolean[]>> a = new ArrayList<>();
        List<List<boolean[]>> b = new ArrayList<>();
        for (int k = 0; k < seeds.targets(); k++) {
            List<boolean[]> ak = seeds.correct(arm, k);
            List<boolean[]> bk = refSeeds.correct(ref, k);
            if (ak == null || bk == null) {
                out.append(" - |");
                continue;
            }
            a.add(ak);
            b.add(bk);
            PairedStatistics.Difference d = PairedStatistics.compare(ak, bk, RESAMPLES, 17 + k);
            out.append(String.format(
                    Locale.ROOT,
                    " %+.2f [%+.2f, %+.2f] (%s) |",
                    d.mean(),
                    d.low(),
                    d.high(),
                    PairedStatistics.formatP(d.mcnemarP())));
        }
        if (a.isEmpty()) {
            out.append(" - |\n");
            return;
        }
        PairedStatistics.Difference mean = PairedStatistics.compareMean(a, b, RESAMPLES, 99);
        out.append(String.format(
                Locale.ROOT, " %+.2f [%+.2f, %+.2f] (%d targets) |%n", mean.mean(), mean.low(), mean.high(), a.size()));
    }

    /**
     * Each arm of {@code runs} against the same arm of {@code baselines} (one directory per seed,
     * in the same order, evaluated on the same test images): a variant of the protocol, say
     * another ranking, against the registered run. Differences are paired by seed and test image;
     * nothing when the two share no arm but the individual one.
     */
    public static String versus(List<Path> runs, List<Path> baselines) {
        if (runs.size() != baselines.size()) {
            throw new IllegalArgumentException("--against needs one directory per directory of --runs (" + runs.size()
                    + "), in the same seed order; got " + baselines.size());
        }
        ProtocolRuns seeds = ProtocolRuns.read(runs);
        ProtocolRuns bases = ProtocolRuns.read(baselines);
        for (int s = 0; s < runs.size(); s++) {
            int mine = seeds.testImages(s);
            int theirs = bases.testImages(s);
            if (mine >= 0 && theirs >= 0 && mine != theirs) {
                throw new IllegalArgumentException(runs.get(s) + " was tested on " + mine + " images, "
                        + baselines.get(s) + " on " + theirs + ": paired differences need the same test images");
            }
        }
        List<Arm> arms = seeds.arms().stream()
                .filter(a -> a != Arm.INDIVIDUAL && bases.has(a))
                .toList();
        if (arms.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        differenceHeader(out, "the same arm of " + baselines, seeds.targets());
        for (Arm arm : arms) {
            differenceRow(out, seeds, arm, bases, arm);
        }
        return out.toString();
    }

    private static void computeTable(StringBuilder out, ProtocolRuns seeds, List<Arm> arms) {
        out.append("Cost per arm, mean over seeds (forward + backward MACs x images; wall time of its phases), "
                + "beside the test accuracy it bought (mean over its subnets; none for an alone- arm, "
                + "whose full plan is individual's): the equal-compute view\n\n");
        out.append("| arm | training | ranking | calibration | evaluation | total | x US-Nets | hours | accuracy |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double uniform =
                arms.contains(Arm.UNIFORM) ? seeds.meanCompute(Arm.UNIFORM).total() : Double.NaN;
        for (Arm arm : arms) {
            Compute c = seeds.meanCompute(arm);
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %.3g | %.3g | %.3g | %.3g | %.3g | %s | %.2f | %s |%n",
                    arm,
                    c.training(),
                    c.ranking(),
                    c.calibration(),
                    c.evaluation(),
                    c.total(),
                    Double.isNaN(uniform) ? "-" : String.format(Locale.ROOT, "%.2f", c.total() / uniform),
                    c.seconds() / 3600,
                    arm.kind() == Arm.Kind.ALONE
                            ? "-"
                            : String.format(Locale.ROOT, "%.2f", 100 * seeds.meanTestOverTargets(arm))));
        }
    }
}
