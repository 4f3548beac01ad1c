package io.dialnet.nn;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import io.dialnet.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The verdict on oneDNN's uncapped convolutions on this machine, reached without running one in this
 * process, and the cap set in this process where they are wrong.
 *
 * <p>oneDNN reads {@link ConvolutionCheck#ISA_CAP_VARIABLE} at its first convolution and keeps it for
 * the life of the process. Set with {@code setenv} after libtorch has loaded and before any
 * convolution, the cap holds (on a Zen 5 machine the cases of {@link ConvolutionCheck#QUICK} then come
 * out right, and {@code ONEDNN_VERBOSE=1} names SSE4.1); set after one, it does not. So a process
 * cannot test its own uncapped engine and then cap itself: a child JVM runs the check uncapped
 * ({@link ConvolutionCheck#main}), and its verdict is cached under {@code io.dialnet.CacheDirectory},
 * named by a fingerprint of the CPU (model, stepping, microcode, flags) and the libtorch version, so
 * only a machine's first process pays the child's second or two.
 */
final class UncappedCheck {
    /** The child's last line; without it the child did not finish and its output says nothing. */
    static final String DONE = "checked";

    /** The prefix of each wrong case the child prints. */
    static final String WRONG = "wrong: ";

    private static final long CHILD_SECONDS = 120;

    private static final Set<String> CPU_IDENTITY =
            Set.of("vendor_id", "cpu family", "model", "model name", "stepping", "microcode", "flags");

    private UncappedCheck() {}

    /**
     * The cases wrong uncapped on this machine (empty when all are right), from the cache in
     * {@code cacheDir} or else from a child JVM, whose verdict is then cached; empty where neither
     * can tell (no {@code /proc/cpuinfo}, or the child did not finish).
     */
    static Optional<List<String>> wrongCases(Path cacheDir, String libtorchVersion) {
        Optional<Path> file = cacheFile(cacheDir, libtorchVersion);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<List<String>> cached = parse(Files.readAllLines(file.get()));
            if (cached.isPresent()) {
                return cached;
            }
        } catch (IOException e) {
            // not cached yet (or unreadable): ask a child
        }
        Optional<List<String>> verdict = parse(childOutput());
        verdict.ifPresent(wrong -> remember(file.get(), wrong));
        return verdict;
    }

    /** Records that {@code wrong} cases were found uncapped in this process, so that later ones cap themselves. */
    static void rememberWrong(Path cacheDir, String libtorchVersion, List<String> wrong) {
        cacheFile(cacheDir, libtorchVersion).ifPresent(file -> remember(file, wrong));
    }

    /**
     * Sets {@code variable=value} in this process's native environment (not Java's copy of it, which
     * child processes get), where libtorch's oneDNN reads it; false where that is not possible.
     */
    static boolean setNativeEnvironment(String variable, String value) {
        if (!Platform.isLinux() && !Platform.isMac()) {
            return false;
        }
        try {
            return NativeLibrary.getInstance(Platform.C_LIBRARY_NAME)
                            .getFunction("setenv")
                            .invokeInt(new Object[] {variable, value, 1})
                    == 0;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }

    /** The wrong cases a child printed, or empty when its output does not end with {@link #DONE}. */
    static Optional<List<String>> parse(List<String> output) {
        List<String> lines =
                output.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(DONE)) {
            return Optional.empty();
        }
        return Optional.of(lines.stream()
                .filter(l -> l.startsWith(WRONG))
                .map(l -> l.substring(WRONG.length()))
                .toList());
    }

    /** A name for this CPU and libtorch version: the lines of {@code cpuinfo}'s first processor that identify it. */
    static String fingerprint(List<String> cpuinfo, String libtorchVersion) {
        StringBuilder identity = new StringBuilder(System.getProperty("os.arch") + "|libtorch " + libtorchVersion);
        identity.append('|').append(ConvolutionCheck.QUICK);
        for (String line : cpuinfo) {
            if (line.isBlank()) {
                break; // the first processor's block ends
            }
            int colon = line.indexOf(':');
            if (colon > 0 && CPU_IDENTITY.contains(line.substring(0, colon).strip())) {
                identity.append('|').append(line.strip());
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> cacheFile(Path cacheDir, String libtorchVersion) {
        try {
            List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
            return Optional.of(cacheDir.resolve("engine-check-" + fingerprint(cpuinfo, libtorchVersion) + ".txt"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux: nothing names this CPU well enough to cache a verdict for it
        }
    }

    /** Writes the verdict {@code wrong} as the child prints it, so that {@link #parse} reads it back. */
    private static void remember(Path file, List<String> wrong) {
        StringBuilder text = new StringBuilder();
        wrong.forEach(w -> text.append(WRONG).append(w).append('\n'));
        text.append(DONE).append('\n');
        try {
            AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // an unwritable cache only costs the next process a child of its own
        }
    }

    /** What a child JVM, uncapped, printed running {@link ConvolutionCheck#main}; empty if it did not finish. */
    private static List<String> childOutput() {
        Path out = null;
        Process child = null;
        try {
            out = Files.createTempFile("dialnet-engine-check", ".txt");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dai.djl.offline=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
                    "-Xss4m"));
            // the engine's own settings (a library path, a cache directory) load the same libtorch in the child
            System.getProperties().stringPropertyNames().stream()
                    .filter(name -> name.startsWith("ai.djl.") && !name.equals("ai.djl.offline"))
                    .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ConvolutionCheck.class.getName()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().remove(ConvolutionCheck.ISA_CAP_VARIABLE);
            child = builder.start();
            if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
                return List.of();
            }
            return Files.readAllLines(out);
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            if (out != null) {
                out.toFile().delete();
            }
        }
    }
}
