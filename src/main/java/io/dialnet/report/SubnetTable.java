package io.dialnet.report;

import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Subnets as an aligned text table or a markdown table: name, channels, MACs, params, accuracies. */
public final class SubnetTable {
    private static final String[] HEADER = {
        "subnet", "channels per coupling set", "MACs", "params", "val acc", "test acc"
    };

    private SubnetTable() {}

    public static String text(List<SubnetResult> subnets) {
        List<String[]> rows = rows(subnets);
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = i == 1 || i == 0 ? pad(row[i], width[i], false) : pad(row[i], width[i], true);
                out.append(cell).append(i + 1 < row.length ? "  " : "\n");
            }
        }
        return out.toString();
    }

    /** A training run's subnets as a {@link #text} table, then how it was trained: method, epochs, speed, cost. */
    public static String text(TrainResult result) {
        return text(result.subnets())
                + String.format(
                        Locale.ROOT,
                        "trained %s for %d epochs at %.0f images/s (%.0f s, %.3g images x MACs)%n",
                        result.method(),
                        result.config().epochs(),
                        result.imagesPerSecond(),
                        result.trainingSeconds(),
                        result.trainingCompute());
    }

    public static String markdown(List<SubnetResult> subnets) {
        List<String[]> rows = rows(subnets);
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            out.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
            if (r == 0) {
                out.append("|---|---|---:|---:|---:|---:|\n");
            }
        }
        return out.toString();
    }

    private static List<String[]> rows(List<SubnetResult> subnets) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (SubnetResult s : subnets) {
            rows.add(new String[] {
                s.name(),
                channels(s.channels()),
                millions(s.macs()),
                millions(s.params()),
                percent(s.validationAccuracy()),
                s.testAccuracy() == null ? "-" : percent(s.testAccuracy())
            });
        }
        return rows;
    }

    private static String channels(List<Integer> c) {
        String all = c.toString().replace(" ", "");
        return all.length() <= 48 ? all : all.substring(0, 45) + "...";
    }

    public static String millions(long n) {
        return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    public static String percent(double accuracy) {
        return Double.isNaN(accuracy) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * accuracy);
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(width - s.length());
        return right ? spaces + s : s + spaces;
    }
}
