package io.dialnet.cli;

import io.dialnet.nn.Devices;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.runtime.OrtSettings;
import io.dialnet.serve.Server;
import io.dialnet.serve.Serving;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dialnet serve}: a dynamic model behind HTTP, choosing the subnet per request. */
@Command(name = "serve", mixinStandardHelpOptions = true)
final class ServeCommand extends DialnetCommand {
    /** The server's defaults (its settings builder's) are this command's, on port 8080. */
    private static final Server.Settings DEFAULTS =
            Server.Settings.builder().setPort(8080).build();

    @Mixin
    DeviceOptions device;

    @Option(names = "--model", required = true, paramLabel = "FILE")
    Path model;

    @Option(names = "--name")
    String name;

    @Option(names = "--port")
    int port = DEFAULTS.port();

    @Option(names = "--bind-all")
    boolean bindAll;

    @Option(names = "--backend", defaultValue = "onnxruntime")
    String backend;

    @Option(names = "--workers")
    int workers = DEFAULTS.workers();

    @Option(names = "--io-threads")
    int ioThreads = DEFAULTS.ioThreads();

    @Option(names = "--queue")
    int queue = DEFAULTS.queueCapacity();

    @Option(names = "--max-body")
    int maxBody = DEFAULTS.maxBodyBytes();

    @Option(names = "--max-batch")
    int maxBatch = DEFAULTS.maxBatch();

    @Option(names = "--max-request-images")
    int maxRequestImages = DEFAULTS.maxRequestImages();

    @Option(names = "--max-connections")
    int maxConnections = DEFAULTS.maxConnections();

    @Option(names = "--read-timeout-ms")
    long readTimeoutMs = DEFAULTS.readTimeoutMs();

    @Option(names = "--idle-timeout-ms")
    long idleTimeoutMs = DEFAULTS.idleTimeoutMs();

    @Option(names = "--request-timeout-ms")
    long requestTimeoutMs = DEFAULTS.requestTimeoutMs();

    @Option(names = "--drain-timeout-ms")
    long drainTimeoutMs = DEFAULTS.drainTimeoutMs();

    @Option(names = "--max-image-pixels")
    long maxImagePixels = DEFAULTS.maxImagePixels();

    @Option(names = "--compute-nice")
    int computeNice = DEFAULTS.computeNice();

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
                    err().println("dialnet serve: " + problem);
                    err().flush();
                });
        return 0;
    }

    private void announce(String modelName, Serving.Started started) {
        println(String.format(
                Locale.ROOT,
                "serving %s as /v2/models/%s (%d subnets, %s) on port %d; Ctrl-C or SIGTERM stops",
                model,
                modelName,
                started.subnets(),
                backend,
                started.port()));
    }

    private Server.Settings settings(String modelName) {
        return Server.Settings.builder()
                .setPort(port)
                .optBindAll(bindAll)
                .optWorkers(workers)
                .optQueueCapacity(queue)
                .optMaxBodyBytes(maxBody)
                .optDefaultSubnet(defaultSubnet)
                .optMaxBatch(maxBatch)
                .optMaxRequestImages(maxRequestImages)
                .optMaxConnections(maxConnections)
                .optIoThreads(ioThreads)
                .optReadTimeoutMs(readTimeoutMs)
                .optIdleTimeoutMs(idleTimeoutMs)
                .optRequestTimeoutMs(requestTimeoutMs)
                .optDrainTimeoutMs(drainTimeoutMs)
                .optModelName(modelName)
                .optMaxImagePixels(maxImagePixels)
                .optComputeNice(computeNice)
                .build();
    }
}
