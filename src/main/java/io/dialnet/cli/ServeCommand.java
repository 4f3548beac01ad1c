package io.dialnet.cli;

import io.dialnet.nn.Devices;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.serve.Server;
import io.dialnet.serve.Serving;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
        Server.Settings settings = settings(modelName);
        DynamicModel.Backend b = DynamicModel.Backend.parse(backend, "--backend");
        Devices devices = device.parsed("serve");
        // ONNX Runtime needs no PyTorch: not starting it saves its unpacking and keeps a second native thread
        // pool from competing with ONNX Runtime's for the cores.
        int threads = b == DynamicModel.Backend.ONNXRUNTIME ? common.threadCount() : common.startEngine();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Serving.untilShutdown(
                model,
                b,
                threads,
                devices,
                settings,
                started -> {
                    out.printf(
                            "serving %s as /v2/models/%s (%d subnets, %s) on port %d; Ctrl-C or SIGTERM stops%n",
                            model, modelName, started.subnets(), backend, started.port());
                    out.flush();
                },
                problem -> {
                    err.println("dialnet serve: " + problem);
                    err.flush();
                });
        return 0;
    }

    private Server.Settings settings(String modelName) {
        return new Server.Settings(
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
    }
}
