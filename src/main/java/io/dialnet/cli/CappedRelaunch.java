package io.dialnet.cli;

import io.dialnet.nn.ConvolutionCheck;
import io.dialnet.nn.WrongEngineException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs this JVM's command line again, with oneDNN capped at {@link ConvolutionCheck#SAFE_ISA_CAP},
 * after the engine check failed uncapped.
 *
 * <p>oneDNN reads its cap once, when libtorch loads, so a process whose convolutions are wrong cannot
 * fix itself; a new process with the cap in its environment can (docs/DESIGN-NOTES.md, "A wrong
 * engine"). Only {@link Main#main} does this: a library caller or a test gets the
 * exception. The new process inherits standard input, output and error, and is stopped when this one
 * is.
 */
final class CappedRelaunch {
    private CappedRelaunch() {}

    /**
     * The exit code of the command run again under the cap, or empty (and nothing printed) where it
     * cannot be: the cap was already set, or this JVM's command line cannot be read.
     */
    static OptionalInt run(WrongEngineException wrong, PrintWriter err) {
        if (wrong.capped()) {
            return OptionalInt.empty();
        }
        Optional<List<String>> command = ownCommandLine();
        if (command.isEmpty()) {
            return OptionalInt.empty();
        }
        err.println("dialnet: " + wrong.finding() + ". Running the command again with "
                + ConvolutionCheck.ISA_CAP_VARIABLE + "=" + ConvolutionCheck.SAFE_ISA_CAP
                + ", under which it is right and convolutions are slower (docs/BENCHMARKS.md, 12); set it in the"
                + " environment to skip this.");
        err.flush();
        ProcessBuilder builder = new ProcessBuilder(command.get()).inheritIO();
        builder.environment().put(ConvolutionCheck.ISA_CAP_VARIABLE, ConvolutionCheck.SAFE_ISA_CAP);
        try {
            Process child = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
            return OptionalInt.of(child.waitFor());
        } catch (IOException e) {
            err.println("dialnet: could not run the command again (" + e.getMessage() + ")");
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /**
     * This JVM's command line: from {@code /proc/self/cmdline} on Linux, since {@link ProcessHandle.Info}
     * reads only its first 4,096 bytes there and drops the arguments of a longer one (a test's class
     * path); elsewhere from {@link ProcessHandle.Info}.
     */
    private static Optional<List<String>> ownCommandLine() {
        try {
            return fromProcCmdline(Files.readAllBytes(Path.of("/proc/self/cmdline")));
        } catch (IOException | UnsupportedOperationException e) {
            ProcessHandle.Info self = ProcessHandle.current().info();
            if (self.command().isEmpty() || self.arguments().isEmpty()) {
                return Optional.empty();
            }
            List<String> line = new ArrayList<>(List.of(self.command().get()));
            line.addAll(List.of(self.arguments().get()));
            return Optional.of(line);
        }
    }

    /** The NUL-terminated arguments of a {@code /proc/PID/cmdline} file; empty when there are none. */
    static Optional<List<String>> fromProcCmdline(byte[] cmdline) {
        List<String> line = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                line.add(new String(cmdline, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return line.isEmpty() ? Optional.empty() : Optional.of(line);
    }
}
