package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.experiment.ProtocolReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialnet compare-report}: the protocol's tables, with intervals, from one comparison per seed. */
@Command(name = "compare-report", mixinStandardHelpOptions = true)
final class CompareReportCommand extends DialnetCommand {
    @Option(names = "--runs", required = true, split = ",", paramLabel = "DIR")
    List<Path> runs;

    @Option(names = "--references", split = ",", defaultValue = "uniform,individual,alone")
    List<String> references;

    /** The same arms of other runs, one per seed, to pair with (a protocol variant against the registered run). */
    @Option(names = "--against", split = ",", paramLabel = "DIR")
    List<Path> against = List.of();

    @Option(names = "--out", paramLabel = "FILE")
    Path out;

    @Option(names = "--plot", paramLabel = "PNG")
    Path plot;

    /** The equal-compute view: each arm's mean test accuracy against its total compute. */
    @Option(names = "--compute-plot", paramLabel = "PNG")
    Path computePlot;

    @Override
    public Integer call() {
        String report = ProtocolReport.markdown(runs, references)
                + (against.isEmpty() ? "" : ProtocolReport.versus(runs, against));
        if (out != null) {
            AtomicFiles.write(out, report.getBytes(StandardCharsets.UTF_8));
        }
        print(report);
        if (plot != null) {
            ProtocolReport.plot(runs, plot);
        }
        if (computePlot != null) {
            ProtocolReport.computePlot(runs, computePlot);
        }
        return 0;
    }
}
