package io.dialnet.cli;

import io.dialnet.Json;
import io.dialnet.experiment.RunDirectory;
import io.dialnet.experiment.TrainPlan;
import io.dialnet.nn.Devices;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.TrainConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dialnet train}: trains a slimmable network with one strategy and reports every subnet. */
@Command(name = "train", mixinStandardHelpOptions = true)
final class TrainCommand extends RunCommand {
    @Mixin
    TrainingOptions training;

    @Option(names = "--init", paramLabel = "CHECKPOINT")
    Path init;

    @Option(names = "--eval-every", defaultValue = "1", paramLabel = "N")
    int evalEvery;

    @Option(names = "--json")
    boolean json;

    @Override
    public Integer call() {
        model.requireKnown();
        TrainConfig config = training.toConfig(training.strategy, common.seed);
        Devices devices = device.devices();
        prepare(RunDirectory.TRAIN);
        common.startEngine();
        TrainPlan.Trained trained = new TrainPlan(
                        model.model, model.groupSize, config, out, resume, init, evalEvery, devices)
                .run(data.request(), progress());
        if (trained.skippedImages() > 0) {
            err().printf("dialnet: skipped %d unreadable images (--skip-bad-images)%n", trained.skippedImages());
            err().flush();
        }
        print(
                json
                        ? Json.prettyText(trained.result().subnets()) + System.lineSeparator()
                        : SubnetTable.text(trained.result()));
        return 0;
    }
}
