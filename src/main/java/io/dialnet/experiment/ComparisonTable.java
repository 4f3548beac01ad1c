package io.dialnet.experiment;

import io.dialnet.report.SubnetTable;
import io.dialnet.train.SubnetResult;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/** The method comparison as markdown: one row per delivered subnet, and each method against the baselines. */
public final class ComparisonTable {
    private ComparisonTable() {}

    public static String markdown(List<Comparison.MethodResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| method | subnet | channels per coupling set | MACs | params | val acc | test acc | "
                + "method's compute (images x MACs, forward + backward) |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|\n");
        for (Comparison.MethodResult r : results) {
            for (SubnetResult s : r.subnets()) {
                out.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %.3g |%n",
                        r.method(),
                        s.name(),
                        s.channels().toString().replace(" ", ""),
                        SubnetTable.millions(s.macs()),
                        SubnetTable.millions(s.params()),
                        SubnetTable.percent(s.validationAccuracy()),
                        s.testAccuracy() == null ? "-" : SubnetTable.percent(s.testAccuracy()),
                        r.compute().total()));
            }
        }
        return out.toString();
    }

    /**
     * The paper's claim in numbers: for each method, the mean difference in accuracy (points) between
     * its subnets and each reference method's curve, linearly interpolated at the same MACs. A subnet
     * outside the reference's MACs range is not compared (there is nothing to match it with); the
     * cells say how many were. Test accuracy where every subnet has one, else validation accuracy.
     */
    public static String matchedMacs(List<Comparison.MethodResult> results, List<String> references) {
        List<Comparison.MethodResult> present = references.stream()
                .map(name ->
                        results.stream().filter(r -> r.method().equals(name)).findFirst())
                .flatMap(Optional::stream)
                .toList();
        boolean test = Comparison.tested(results);
        ToDoubleFunction<SubnetResult> accuracy = test ? SubnetResult::testAccuracy : SubnetResult::validationAccuracy;
        StringBuilder out = new StringBuilder("| method |");
        present.forEach(ref -> out.append(" vs ")
                .append(ref.method())
                .append(": mean ")
                .append(test ? "test" : "validation")
                .append(" accuracy difference at matched MACs |"));
        out.append("\n|---|").append("---:|".repeat(present.size())).append('\n');
        for (Comparison.MethodResult r : results) {
            out.append("| ").append(r.method()).append(" |");
            for (Comparison.MethodResult ref : present) {
                out.append(' ')
                        .append(ref == r ? "-" : meanDifference(r.subnets(), ref.subnets(), accuracy))
                        .append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String meanDifference(
            List<SubnetResult> subnets, List<SubnetResult> reference, ToDoubleFunction<SubnetResult> accuracy) {
        double sum = 0;
        int compared = 0;
        for (SubnetResult s : subnets) {
            OptionalDouble matched = interpolate(reference, s.macs(), accuracy);
            if (matched.isPresent()) {
                sum += accuracy.applyAsDouble(s) - matched.getAsDouble();
                compared++;
            }
        }
        return compared == 0
                ? "no subnet in range (0 of " + subnets.size() + ")"
                : String.format(
                        Locale.ROOT, "%+.2f points (%d of %d subnets)", 100 * sum / compared, compared, subnets.size());
    }

    /** The reference's accuracy at {@code macs} on the straight line between its two neighbours. */
    static OptionalDouble interpolate(List<SubnetResult> curve, long macs, ToDoubleFunction<SubnetResult> accuracy) {
        List<SubnetResult> sorted = curve.stream()
                .sorted(Comparator.comparingLong(SubnetResult::macs))
                .toList();
        for (int i = 0; i < sorted.size(); i++) {
            SubnetResult hi = sorted.get(i);
            if (hi.macs() < macs) {
                continue;
            }
            if (hi.macs() == macs) {
                return OptionalDouble.of(accuracy.applyAsDouble(hi));
            }
            if (i == 0) {
                return OptionalDouble.empty();
            }
            SubnetResult lo = sorted.get(i - 1);
            double f = (double) (macs - lo.macs()) / (hi.macs() - lo.macs());
            return OptionalDouble.of(
                    accuracy.applyAsDouble(lo) + f * (accuracy.applyAsDouble(hi) - accuracy.applyAsDouble(lo)));
        }
        return OptionalDouble.empty();
    }
}
