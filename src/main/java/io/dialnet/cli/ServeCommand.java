package io.dialnet.cli;

import io.dialnet.nn.Devices;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.runtime.OrtSettings;
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
@Command(name = "serve", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Option(names = "--model", required = true, paramLabel = "FILE")
    Path model;

    @Option(names = "--name")
    String name;

    @Option(names = "--port", defaultValue = "8080")
    int port;

    @Option(names = "--bind-all")
    boolean bindAll;

    @Option(names = "--backend", defaultValue = "onnxruntime")
    String backend;

    @Option(names = "--workers", defaultValue = "1")
    int workers;

    @Option(names = "--io-threads", defaultValue = "1")
    int ioThreads;

    @Option(names = "--queue", defaultValue = "32")
    int queue;

    @Option(names = "--max-body", defaultValue = "16777216")
    int maxBody;

    @Option(names = "--max-batch", defaultValue = "16")
    int maxBatch;

    @Option(names = "--max-request-images", defaultValue = "64")
    int maxRequestImages;

    @Option(names = "--max-connections", defaultValue = "4096")
    int maxConnections;

    @Option(names = "--read-timeout-ms", defaultValue = "10000")
    long readTimeoutMs;

    @Option(names = "--idle-timeout-ms", defaultValue = "60000")
    long idleTimeoutMs;

    @Option(names = "--request-timeout-ms", defaultValue = "30000")
    long requestTimeoutMs;

    @Option(names = "--drain-timeout-ms", defaultValue = "30000")
    long drainTimeoutMs;

    @Option(names = "--default-subnet")
    String defaultSubnet;

    @Option(names = "--ort-settings", paramLabel = "SETTINGS")
    String ortSettings;

    @Override
    public Integer call() throws Exception {
        String modelName = name != null ? name : model.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Server.Settings settings = settings(modelName);
        DynamicModel.Backend b = DynamicModel.Backend.parse(backend, "--backend");
        Devices devices = device.parsed("serve");
        // ONNX Runtime needs no PyTorch: not starting it saves its unpacking and keeps a second native thread
        // pool from competing with ONNX Runtime's for the cores.
        int threads = b == DynamicModel.Backend.ONNXRUNTIME ? common.threadCount() : common.startEngine();
        OrtSettings ort = ortSettings == null ? OrtSettings.SERVING : OrtSettings.parse(ortSettings, "--ort-settings");
        Serving.untilShutdown(
                model, b, threads, devices, ort, settings, started -> announce(modelName, started), problem -> {
                    spec.commandLine().getErr().println("dialnet serve: " + problem);
                    spec.commandLine().getErr().flush();
                });
        return 0;
    }

    private void announce(String modelName, Serving.Started started) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "serving %s as /v2/models/%s (%d subnets, %s) on port %d; Ctrl-C or SIGTERM stops%n",
                model, modelName, started.subnets(), backend, started.port());
        out.flush();
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
