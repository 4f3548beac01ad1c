package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.bench.LoadGenerator;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet loadtest}: an open-loop load generator for a running {@code dialnet serve} on
 * this machine. For each offered rate it sends a bounded number of requests at fixed intervals and
 * reports throughput, p50/p99 latency, status codes and the subnet mix. Only loopback targets are
 * accepted.
 */
@Command(
        name = "loadtest",
        mixinStandardHelpOptions = true,
        description =
                "Offer increasing request rates to a local dialnet serve; report throughput, latency and subnet mix.")
final class LoadTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--url",
            defaultValue = "http://127.0.0.1:8080",
            description = "Server base URL, loopback only (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(
            names = "--rates",
            split = ",",
            defaultValue = "20,50,100,200",
            description = "Offered requests per second (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description = "Duration of each rate, 1..120 (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--deadline-ms",
            description = "Deadline sent with every request (else the server's default subnet answers).")
    Double deadline;

    @Option(
            names = "--input-size",
            defaultValue = "3072",
            description = "Floats per image (default: ${DEFAULT-VALUE}, CIFAR).")
    int inputSize;

    @Option(
            names = "--raw",
            description = "Send raw little-endian float32 bodies (application/octet-stream) instead of JSON.")
    boolean raw;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "0",
            description = "Untimed load at the first rate before measuring (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the rows as JSON.")
    java.nio.file.Path json;

    @Override
    public Integer call() throws Exception {
        LoadGenerator generator = LoadGenerator.checked(url, rates, seconds, deadline, inputSize, raw, warmupSeconds);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%8s %10s %9s %9s %9s %8s %8s  %s%n",
                "offered", "served/s", "p50 ms", "p99 ms", "ok", "429", "503/504", "subnet mix");
        List<LoadGenerator.Row> rows = generator.run(row -> {
            out.printf(
                    Locale.ROOT,
                    "%8d %10.1f %9.2f %9.2f %9d %8d %8d  %s%s%n",
                    row.offered(),
                    row.servedPerSecond(),
                    row.p50Ms(),
                    row.p99Ms(),
                    row.ok(),
                    row.busy(),
                    row.late(),
                    row.subnetMix(),
                    row.failed() > 0 ? "  (" + row.failed() + " failed)" : "");
            out.flush();
        });
        if (json != null) {
            AtomicFiles.write(json, Json.pretty(generator.report(rows)));
        }
        return 0;
    }
}
