package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.bench.LoadGenerator;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dialnet loadtest}: an open-loop load generator for a running {@code dialnet serve} on
 * this machine. For each offered rate it sends a bounded number of requests at fixed intervals and
 * reports throughput, p50/p99 latency, status codes and the subnet mix. Only loopback targets are
 * accepted.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true)
final class LoadTestCommand extends DialnetCommand {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080")
    URI url;

    @Option(names = "--rates", split = ",", defaultValue = "20,50,100,200")
    List<Integer> rates;

    @Option(names = "--seconds", defaultValue = "10")
    int seconds;

    @Option(names = "--deadline-ms")
    Double deadline;

    @Option(names = "--input-size", defaultValue = "3072")
    int inputSize;

    @Option(names = "--raw")
    boolean raw;

    @Option(names = "--warmup-seconds", defaultValue = "0")
    int warmupSeconds;

    @Option(names = "--json", paramLabel = "FILE")
    Path json;

    @Override
    public Integer call() throws Exception {
        LoadGenerator generator = LoadGenerator.checked(url, rates, seconds, deadline, inputSize, raw, warmupSeconds);
        println(LoadGenerator.HEADER);
        List<LoadGenerator.Row> rows = generator.run(row -> println(row.line()));
        if (json != null) {
            AtomicFiles.write(json, Json.pretty(generator.report(rows)));
        }
        return 0;
    }
}
