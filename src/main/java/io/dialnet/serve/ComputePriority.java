package io.dialnet.serve;

import io.dialnet.artifact.ArtifactException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Inference at a lower scheduling priority than the network threads ({@code serve --compute-nice}).
 * When inference holds every core, as it does under overload, a network thread that has a request
 * to refuse or an answer to write otherwise waits for a core; at a higher nice value inference
 * yields to it (and to anything else on the machine). Linux only: a thread finds its id in
 * {@code /proc/thread-self} and raises its own nice value with {@code renice}, which needs no
 * privilege. Threads inherit the nice value of the thread that creates them, so ONNX Runtime's
 * pool, made when a session is created, is lowered by creating the sessions on a lowered thread.
 */
final class ComputePriority {
    private ComputePriority() {}

    /** Raises the calling thread's nice value to {@code nice} (1..19). */
    static void lowerCurrentThread(int nice) {
        Path self = Path.of("/proc/thread-self");
        String tid;
        try {
            tid = self.toRealPath().getFileName().toString();
        } catch (IOException e) {
            throw new IllegalStateException("--compute-nice needs Linux's /proc/thread-self: " + e.getMessage());
        }
        try {
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!renice.waitFor(10, TimeUnit.SECONDS) || renice.exitValue() != 0) {
                throw new IllegalStateException("--compute-nice " + nice + ": renice failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("--compute-nice needs the renice command: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("--compute-nice: interrupted while lowering a thread");
        }
    }

    /** The nice value of thread {@code tid} of this process, from {@code /proc} (field 19 of its stat). */
    static int niceOf(long tid) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        // the command name, field 2, is in parentheses and may hold spaces: count fields after its ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /** Threads that lower themselves to {@code nice} before running their task (0: unchanged). */
    static ThreadFactory threads(int nice) {
        if (nice == 0) {
            return Thread::new;
        }
        return task -> new Thread(() -> {
            try {
                lowerCurrentThread(nice);
            } catch (IllegalStateException e) {
                // the loading thread lowered itself already, so renice worked a moment ago; a worker at the
                // process's priority is better than none
            }
            task.run();
        });
    }

    /** Work that loads a model: what it may throw. */
    interface Loading<T> {
        T call() throws ArtifactException, IOException;
    }

    /**
     * {@code work}'s result, computed on a new thread lowered to {@code nice} (0: on the calling
     * thread), so that the threads it creates inherit the lower priority.
     */
    static <T> T onLoweredThread(int nice, Loading<T> work)
            throws ArtifactException, IOException, InterruptedException {
        if (nice == 0) {
            return work.call();
        }
        FutureTask<T> task = new FutureTask<>(() -> {
            lowerCurrentThread(nice);
            return work.call();
        });
        new Thread(task, "dialnet-load").start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ArtifactException a) {
                throw a;
            } else if (cause instanceof IOException io) {
                throw io;
            } else if (cause instanceof RuntimeException r) {
                throw r;
            } else if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
