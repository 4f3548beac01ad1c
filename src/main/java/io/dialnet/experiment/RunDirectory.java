package io.dialnet.experiment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code --out} rule of {@code train}, {@code search}, {@code compare} and {@code import}: a directory
 * holding an earlier run is continued ({@code --resume}) or started again ({@code --overwrite}),
 * never silently mixed with a new run; and it is checked writable before any work is done.
 */
public final class RunDirectory {
    /** What {@code train} writes into its directory. */
    public static final List<String> TRAIN =
            List.of("checkpoint.zip", "metrics.jsonl", "results.json", "accuracy_vs_macs.png");
    /** What {@code search} writes into its directory. */
    public static final List<String> SEARCH = List.of(
            "search.jsonl",
            "search.json",
            "state-*.zip",
            "background",
            "final",
            "results.json",
            "accuracy_vs_macs.png");
    /** What {@code compare} writes into its directory: its reports and one directory per method. */
    public static final List<String> COMPARE = Stream.concat(
                    Stream.of("compare.json", "compare.md", "compare.png"), Arm.ids().stream())
            .toList();

    private RunDirectory() {}

    /**
     * Checks {@code out} and, with {@code overwrite}, removes the earlier run's outputs (only the
     * entries matching {@code outputs}, globs such as {@code state-*.zip}; other files stay).
     *
     * @throws IllegalArgumentException (exit 2) naming the path: not writable, both flags, or an
     *     earlier run without either flag
     */
    public static void prepare(Path out, boolean resume, boolean overwrite, List<String> outputs) {
        prepare(out, resume, overwrite, outputs, "add --resume to continue it or --overwrite to start again");
    }

    /** As {@link #prepare} for a command that cannot continue a run ({@code import}): only {@code --overwrite}. */
    public static void prepareFresh(Path out, boolean overwrite, List<String> outputs) {
        prepare(out, false, overwrite, outputs, "add --overwrite to replace it");
    }

    private static void prepare(Path out, boolean resume, boolean overwrite, List<String> outputs, String hint) {
        if (resume && overwrite) {
            throw new IllegalArgumentException(
                    "--resume continues the run in " + out + " and --overwrite starts it again; give one of them");
        }
        checkWritable(out);
        List<Path> earlier = earlierRun(out, outputs);
        if (earlier.isEmpty() || resume) {
            return;
        }
        if (!overwrite) {
            throw new IllegalArgumentException(
                    "--out " + out + " holds an earlier run (" + earlier.get(0).getFileName() + "); " + hint);
        }
        for (Path p : earlier) {
            delete(p);
        }
    }

    /** Creates {@code out} if needed and writes and removes a file in it. */
    static void checkWritable(Path out) {
        try {
            Files.createDirectories(out);
            Path probe = Files.createTempFile(out, ".dialnet-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("--out " + out + " is not a writable directory: " + reason(e));
        }
    }

    /** The entries of {@code out} that an earlier run wrote. */
    static List<Path> earlierRun(Path out, List<String> outputs) {
        List<PathMatcher> matchers = outputs.stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(out)) {
            for (Path p : entries) {
                if (matchers.stream().anyMatch(m -> m.matches(p.getFileName()))) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + out + " cannot be read: " + reason(e));
        }
        found.sort(Comparator.comparing(Path::toString));
        return found;
    }

    private static void delete(Path path) {
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--overwrite: cannot remove " + path + ": " + reason(e));
        }
    }

    private static String reason(Exception e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
        return e.getMessage() == null ? kind : kind + " " + e.getMessage();
    }
}
