package io.dialnet.cli;

import io.dialnet.nn.Devices;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.serve.Server;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet serve}: a dynamic model behind HTTP, choosing the subnet per request. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve a dynamic model over HTTP: POST /predict (JSON, raw float32 or a PNG/JPEG image; optional "
                + "deadline_ms or subnet), the Open Inference Protocol (KServe v2: /v2/health/ready, "
                + "/v2/models/NAME[/versions/SUBNET]/infer), GET /subnets, GET /metrics (Prometheus). SIGTERM drains: "
                + "every admitted request is answered before the process ends.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "FILE",
            description = "A dynamic model written by dialnet export.")
    Path model;

    @Option(
            names = "--name",
            description = "The model's name in /v2/models/NAME (default: the file name without its extension).")
    String name;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind-all", description = "Listen on all interfaces, not only loopback.")
    boolean bindAll;

    @Option(
            names = "--backend",
            defaultValue = "onnxruntime",
            description = "onnxruntime or djl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--workers", defaultValue = "1", description = "Inference threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(
            names = "--io-threads",
            defaultValue = "1",
            description = "Network threads that read, parse and write (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(
            names = "--queue",
            defaultValue = "32",
            description = "Requests allowed to wait; more get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(
            names = "--max-body",
            defaultValue = "16777216",
            description = "Largest request body in bytes; 413 above (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(
            names = "--max-batch",
            defaultValue = "16",
            description =
                    "Images a worker runs in one call, from same-subnet requests already queued; 1 = no batching (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(
            names = "--max-request-images",
            defaultValue = "64",
            description = "Images one request may carry; 400 above (default: ${DEFAULT-VALUE}).")
    int maxRequestImages;

    @Option(
            names = "--max-connections",
            defaultValue = "4096",
            description =
                    "Open connections at most; past it the longest-idle one is closed, else the new one (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--read-timeout-ms",
            defaultValue = "10000",
            description =
                    "A request's headers and body must arrive within this time; else 408 and the connection closes (default: ${DEFAULT-VALUE}).")
    long readTimeoutMs;

    @Option(
            names = "--idle-timeout-ms",
            defaultValue = "60000",
            description =
                    "A kept-alive connection without a request is closed after this time (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    @Option(
            names = "--request-timeout-ms",
            defaultValue = "30000",
            description =
                    "An admitted request without a deadline is answered 504 after this time (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    @Option(
            names = "--drain-timeout-ms",
            defaultValue = "30000",
            description =
                    "On SIGTERM, how long to wait for admitted requests to be answered (default: ${DEFAULT-VALUE}).")
    long drainTimeoutMs;

    @Option(
            names = "--default-subnet",
            description = "Subnet of requests without subnet or deadline (default: the most accurate).")
    String defaultSubnet;

    @Override
    public Integer call() throws Exception {
        String modelName = name != null ? name : model.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Server.Settings settings = new Server.Settings(
                port,
                bindAll,
                workers,
                queue,
                maxBody,
                defaultSubnet,
                maxBatch,
                maxRequestImages,
                maxConnections,
                ioThreads,
                readTimeoutMs,
                idleTimeoutMs,
                requestTimeoutMs,
                drainTimeoutMs,
                modelName);
        DynamicModel.Backend b = DynamicModel.Backend.parse(backend, "--backend");
        Devices devices = device.parsed("serve");
        int threads;
        if (b == DynamicModel.Backend.ONNXRUNTIME) {
            // ONNX Runtime needs no PyTorch: not starting it saves its unpacking and keeps a second native thread
            // pool from competing with ONNX Runtime's for the cores.
            if (common.threads < 0) {
                throw new IllegalArgumentException("--threads must be >= 0, got " + common.threads);
            }
            threads = common.threads == 0 ? Runtime.getRuntime().availableProcessors() : common.threads;
        } else {
            threads = common.startEngine();
        }
        DynamicModel loaded = DynamicModel.load(model, b, threads, devices, DeviceOptions.OPTION);
        Server server;
        try {
            server = new Server(loaded, settings);
        } catch (java.net.BindException e) {
            loaded.close();
            throw new java.net.BindException(e.getMessage() + "; choose another with --port");
        } catch (java.io.IOException | RuntimeException e) {
            loaded.close();
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf(
                "serving %s as /v2/models/%s (%d subnets, %s) on port %d; Ctrl-C or SIGTERM stops%n",
                model, modelName, loaded.subnets().size(), backend, server.port());
        out.flush();
        // The JVM ends when its shutdown hooks return, so the hook itself drains the server and closes the model;
        // the main thread only waits for it.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                server.close();
                                if (server.quiesced()) {
                                    loaded.close();
                                } else {
                                    // A worker is still inside the model: freeing it under the call would crash the
                                    // process.
                                    err.println(
                                            "dialnet serve: a worker did not stop within the drain timeout; model left open");
                                    err.flush();
                                }
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "dialnet-shutdown"));
        stopped.await();
        return 0;
    }
}
