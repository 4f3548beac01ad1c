package io.dialnet.serve;

import io.dialnet.artifact.ArtifactException;
import io.dialnet.nn.Devices;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.runtime.OrtSettings;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A dynamic-model file served until the process is asked to stop, as {@code dialnet serve} runs
 * it. On SIGTERM or Ctrl-C the server drains (every admitted request is answered) and the model is
 * closed, unless a worker is still inside it.
 */
public final class Serving {
    private Serving() {}

    /** What is served, reported once the server listens. */
    public record Started(int subnets, int port) {}

    /**
     * Loads {@code model} with {@code backend} on {@code threads} threads and {@code devices}
     * (ONNX Runtime sessions set up by {@code ort}), serves it as {@code settings} say, reports
     * {@code started}, and returns once the JVM's shutdown has drained the server; a problem while
     * stopping goes to {@code problems}.
     */
    public static void untilShutdown(
            Path model,
            DynamicModel.Backend backend,
            int threads,
            Devices devices,
            OrtSettings ort,
            Server.Settings settings,
            Consumer<Started> started,
            Consumer<String> problems)
            throws ArtifactException, IOException, InterruptedException {
        // warmed up before the port opens, so a ready server answers at its measured speed
        ComputePriority.Loading<DynamicModel> loadAndWarmUp = () -> {
            DynamicModel m = DynamicModel.load(model, backend, threads, devices, "--device", ort);
            try {
                m.warmUp(settings.maxBatch());
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
            return m;
        };
        // on a thread at --compute-nice, so the engine's threads inherit that priority
        DynamicModel loaded = ComputePriority.of(settings.computeNice()).onLoweredThread(loadAndWarmUp, problems);
        Server server;
        try {
            server = new Server(loaded, settings);
        } catch (BindException e) {
            loaded.close();
            throw new BindException(e.getMessage() + "; choose another with --port");
        } catch (IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
        started.accept(new Started(loaded.subnets().size(), server.port()));
        // The JVM ends when its shutdown hooks return, so the hook itself drains the server and closes the model;
        // the calling thread only waits for it.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> drainAndClose(server, loaded, problems, stopped), "dialnet-shutdown"));
        stopped.await();
    }

    /**
     * Drains {@code server}, then closes the model unless a worker may still be inside it; counts
     * down {@code stopped} whatever happens.
     */
    private static void drainAndClose(
            Server server, DynamicModel loaded, Consumer<String> problems, CountDownLatch stopped) {
        try {
            server.close();
            if (server.quiesced()) {
                loaded.close();
            } else {
                // A worker is still inside the model: freeing it under the call would crash the process.
                problems.accept("a worker did not stop within the drain timeout; model left open");
            }
        } finally {
            stopped.countDown();
        }
    }
}
