package io.dialnet.report;

import io.dialnet.search.Comparison;
import io.dialnet.train.SubnetResult;
import java.util.List;
import java.util.Locale;

/** The method comparison as a markdown table: one row per delivered subnet, grouped by method. */
public final class ComparisonTable {
    private ComparisonTable() {}

    public static String markdown(List<Comparison.MethodResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| method | subnet | channels per coupling set | MACs | params | val acc | test acc | "
                + "method's training compute (images x MACs) |\n");
        out.append("|---|---|---|---:|---:|---:|---:|---:|\n");
        for (Comparison.MethodResult r : results) {
            for (SubnetResult s : r.subnets()) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.3g |%n", r.method(),
                        s.name(), s.channels().toString().replace(" ", ""), SubnetTable.millions(s.macs()),
                        SubnetTable.millions(s.params()), SubnetTable.percent(s.validationAccuracy()),
                        s.testAccuracy() == null ? "-" : SubnetTable.percent(s.testAccuracy()), r.trainingCompute()));
            }
        }
        return out.toString();
    }
}
