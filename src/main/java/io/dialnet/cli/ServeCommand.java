package io.dialnet.cli;

import io.dialnet.runtime.DynamicModel;
import io.dialnet.serve.Server;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.dialnet.nn.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dialnet serve}: a dynamic model behind HTTP, choosing the subnet per request. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a dynamic model over HTTP: POST /predict (JSON or raw float32, optional deadline_ms or "
                + "subnet), GET /subnets, GET /metrics (Prometheus).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A dynamic model written by dialnet export.")
    Path model;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind-all", description = "Listen on all interfaces, not only loopback.")
    boolean bindAll;

    @Option(names = "--backend", defaultValue = "onnxruntime", description = "onnxruntime or djl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--workers", defaultValue = "1", description = "Inference threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--queue", defaultValue = "32", description = "Requests allowed to wait; more get 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body", defaultValue = "16777216", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(names = "--max-batch", defaultValue = "16", description = "Images a worker runs in one call, from same-subnet requests already queued; 1 = no batching (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--default-subnet", description = "Subnet of requests without subnet or deadline (default: the most accurate).")
    String defaultSubnet;

    @Override
    public Integer call() throws Exception {
        Server.Settings settings = new Server.Settings(port, bindAll, workers, queue, maxBody, defaultSubnet, maxBatch);
        DynamicModel.Backend b = DynamicModel.Backend.parse(backend, "--backend");
        Devices devices = device.parsed("serve");
        int threads = common.startEngine();
        try (DynamicModel loaded = DynamicModel.load(model, b, threads, devices, DeviceOptions.OPTION);
                Server server = new Server(loaded, settings)) {
            spec.commandLine().getOut().printf("serving %s (%d subnets, %s) on port %d; Ctrl-C stops%n", model,
                    loaded.subnets().size(), backend + " on " + devices, server.port());
            spec.commandLine().getOut().flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
