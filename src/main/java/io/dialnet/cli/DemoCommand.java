package io.dialnet.cli;

import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.data.Augmentation;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet demo}: one dynamic network on the shipped Fashion-MNIST subset, four widths, a
 * table and a plot, in a few minutes on two cores with nothing to download.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Train a small dynamic network (cnn, uniform strategy, widths 1.0/0.75/0.5/0.25) on the shipped "
                + "Fashion-MNIST subset; write DIR/results.json and DIR/accuracy_vs_macs.png.")
final class DemoCommand implements Callable<Integer> {
    static final List<Double> WIDTHS = List.of(1.0, 0.75, 0.5, 0.25);

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = "--out",
            defaultValue = "demo-out",
            paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "6", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Override
    public Integer call() {
        TrainConfig config = new TrainConfig(
                "uniform", epochs, 64, 0.05, 0.9, true, 5e-4, 0, 0, WIDTHS, List.of(), 0.25, 4, true, 20, common.seed);
        common.startEngine();
        PrintWriter log = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(
                "Training cnn on the shipped Fashion-MNIST subset (10,000 images; 1,000 held out), widths %s%n",
                WIDTHS);
        stdout.flush();
        DataRecipe.Prepared prepared =
                DataRecipe.prepare(DemoData.load(), DemoData.SOURCE, 28, 1000, 0, common.seed, null, Augmentation.NONE);
        long start = System.nanoTime();
        TrainResult result = TrainCommand.run(
                ModelOptions.specFor("cnn", 0, prepared.split().train()),
                config,
                prepared,
                out,
                false,
                null,
                0,
                common.quiet,
                log,
                io.dialnet.nn.Devices.CPU);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> summary = new LinkedHashMap<>();
        List<Map<String, Object>> subnets = new ArrayList<>();
        for (SubnetResult s : result.subnets()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", s.name());
            row.put("channels", s.channels());
            row.put("macs", s.macs());
            row.put("params", s.params());
            row.put("accuracy", s.testAccuracy());
            row.put("validation_accuracy", s.validationAccuracy());
            subnets.add(row);
        }
        summary.put("subnets", subnets);
        summary.put("accuracy_is", "top-1 on the 2,000 shipped test images");
        summary.put("seconds", seconds);
        summary.put("training", result);
        AtomicFiles.write(out.resolve(TrainCommand.RESULTS), Json.pretty(summary));
        stdout.print(SubnetTable.text(result.subnets()));
        stdout.printf(
                java.util.Locale.ROOT,
                "done in %.0f s; wrote %s and %s%n",
                seconds,
                out.resolve(TrainCommand.RESULTS),
                out.resolve(TrainCommand.PLOT));
        stdout.flush();
        return 0;
    }
}
