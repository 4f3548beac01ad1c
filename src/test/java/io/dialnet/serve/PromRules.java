package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules {@code promtool check metrics} applies to a text exposition, checked without
 * promtool: HELP and TYPE for every family before its samples, snake_case names, counters ending
 * in {@code _total}, base units (no milliseconds), no empty label values, plain {@code le}
 * values, cumulative buckets ending at {@code _count}; and promtool itself when installed.
 */
final class PromRules {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern PLAIN = Pattern.compile("\\+Inf|-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?");

    private PromRules() {}

    static void check(String text) {
        Map<String, String> types = new HashMap<>();
        Set<String> helps = new HashSet<>();
        Map<String, Long> lastBucket = new HashMap<>();
        assertThat(text).endsWith("\n");
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String name = line.split(" ", 4)[2];
                assertThat(helps.add(name)).as("one HELP for %s", name).isTrue();
                assertThat(line.split(" ", 4)).as("HELP text of %s", name).hasSize(4);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertThat(p).hasSize(4);
                assertThat(types.put(p[2], p[3])).as("one TYPE for %s", p[2]).isNull();
                assertThat(p[3]).isIn("counter", "gauge", "histogram", "summary", "untyped");
                assertThat(helps).as("HELP before TYPE of %s", p[2]).contains(p[2]);
                assertThat(p[2]).matches("[a-z_:][a-z0-9_:]*").doesNotContain("_ms", "milli", "micro");
                if (p[3].equals("counter")) {
                    assertThat(p[2]).endsWith("_total");
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            String name = m.group(1);
            String family = name;
            for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
                if (base != null && "histogram".equals(types.get(base))) {
                    family = base;
                }
            }
            assertThat(types).as("TYPE declared before %s", line).containsKey(family);
            Double.parseDouble(m.group(4).replace("+Inf", "Infinity"));
            String labels = m.group(3) == null ? "" : m.group(3);
            Matcher l = LABEL.matcher(labels);
            String series = family;
            String le = null;
            while (l.find()) {
                assertThat(l.group(2))
                        .as("label %s of %s is empty", l.group(1), line)
                        .isNotEmpty();
                if (l.group(1).equals("le")) {
                    le = l.group(2);
                } else {
                    series += "," + l.group(1) + "=" + l.group(2);
                }
            }
            if (name.endsWith("_bucket") && !family.equals(name)) {
                assertThat(le).as("le of %s", line).isNotNull();
                assertThat(PLAIN.matcher(le).matches())
                        .as("plain le value in %s", line)
                        .isTrue();
                long count = Long.parseLong(m.group(4));
                assertThat(count)
                        .as("cumulative buckets: %s", line)
                        .isGreaterThanOrEqualTo(lastBucket.getOrDefault(series, 0L));
                lastBucket.put(series, count);
                if (le.equals("+Inf")) {
                    lastBucket.put(series + "/inf", count);
                }
            }
            if (name.endsWith("_count") && !family.equals(name)) {
                assertThat(Long.parseLong(m.group(4)))
                        .as("+Inf bucket equals _count: %s", line)
                        .isEqualTo(lastBucket.get(series + "/inf"));
            }
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, tool).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** {@code promtool check metrics} on {@code text}: exit 0 and nothing to say. */
    static void promtool(String text) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.strip()).as("promtool's complaints").isEmpty();
    }
}
