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
import java.util.function.Consumer;

/**
 * Inference at a lower scheduling priority than the network threads ({@code serve --compute-nice}).
 * When inference holds every core, as it does under overload, a network thread that has a request
 * to refuse or an answer to write otherwise waits for a core; at a higher nice value inference
 * yields to it (and to anything else in the same scheduling group: the container's cgroup, or the
 * session's autogroup). Linux only: a thread finds its id in {@code /proc/thread-self} and raises
 * its own nice value with {@code renice}, which needs no privilege. Threads inherit the nice value
 * of the thread that creates them, so ONNX Runtime's pool, made when a session is created, is
 * lowered by creating the sessions on a lowered thread. Where that is impossible inference runs at
 * the process's priority, with a warning: the server works the same, with longer tails under overload.
 *
 * @param nice the nice value of inference threads, 0..19 (0: the process's own, nothing changes)
 * @param renice the command that changes a thread's nice value
 */
record ComputePriority(int nice, String renice) {
    /** At {@code nice}, with the system's {@code renice}. */
    static ComputePriority of(int nice) {
        return new ComputePriority(nice, "renice");
    }

    /** Raises the calling thread's nice value to {@link #nice}; an {@link IllegalStateException} says why not. */
    void lowerCurrentThread() {
        String tid;
        try {
            tid = Path.of("/proc/thread-self").toRealPath().getFileName().toString();
        } catch (IOException e) {
            throw new IllegalStateException("no /proc/thread-self (Linux only): " + e.getMessage());
        }
        try {
            Process process = new ProcessBuilder(renice, "-n", Integer.toString(nice), "-p", tid)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(renice + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + renice + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while lowering a thread");
        }
    }

    /** The nice value of thread {@code tid} of this process, from {@code /proc} (field 19 of its stat). */
    static int niceOf(long tid) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        // the command name, field 2, is in parentheses and may hold spaces: count fields after its ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /** Threads that lower themselves to {@link #nice} before running their task (0: unchanged). */
    ThreadFactory threads() {
        if (nice == 0) {
            return Thread::new;
        }
        return task -> new Thread(() -> {
            try {
                lowerCurrentThread();
            } catch (IllegalStateException e) {
                // said once, when the model was loaded: a worker at the process's priority is better than none
            }
            task.run();
        });
    }

    /** Work that loads a model: what it may throw. */
    interface Loading<T> {
        T call() throws ArtifactException, IOException;
    }

    /**
     * {@code work}'s result, computed on a new thread lowered to {@link #nice} (0: on the calling
     * thread), so that the threads it creates inherit the lower priority; where the thread cannot be
     * lowered, {@code problems} hears why and the work runs at the process's priority.
     */
    <T> T onLoweredThread(Loading<T> work, Consumer<String> problems)
            throws ArtifactException, IOException, InterruptedException {
        if (nice == 0) {
            return work.call();
        }
        FutureTask<T> task = new FutureTask<>(() -> {
            try {
                lowerCurrentThread();
            } catch (IllegalStateException e) {
                problems.accept("--compute-nice " + nice + " not applied, inference runs at the process's priority: "
                        + e.getMessage());
            }
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
