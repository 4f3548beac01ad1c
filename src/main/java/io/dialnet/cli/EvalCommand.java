package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.report.SubnetTable;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.Subnet;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet eval}: the subnets of a trained network with their size and accuracy. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description =
                "Evaluate every subnet of a trained network: channels, MACs, params, validation and test accuracy.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "PATH",
            description = "A checkpoint.zip, or the training output directory holding one.")
    Path checkpoint;

    @Option(
            names = "--data",
            paramLabel = "FORMAT:DIR",
            description =
                    "Evaluate on this data instead of the data recorded in the checkpoint (same split and normalisation).")
    String data;

    @Option(
            names = "--widths",
            split = ",",
            paramLabel = "W",
            description =
                    "Also evaluate these widths (uniform-trained networks only; BatchNorm is calibrated for each).")
    List<Double> widths;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        Path file = Checkpoint.resolve(checkpoint);
        Checkpoint.RunInfo manifest = Checkpoint.manifest(file);
        TrainConfig config = manifest.config();
        DataRecipe recipe = manifest.data();
        if (recipe == null && data == null) {
            throw new IllegalArgumentException("checkpoint " + file + " records no data; pass --data");
        }
        common.startEngine();
        // An imported network records no data, only the normalisation it was trained with.
        DataRecipe.Prepared prepared = recipe == null
                ? DataOptions.of(data, manifest.spec().inputSize()).prepare(config.seed(), 0, manifest.normalization())
                : (data == null ? recipe : recipe.withSource(data)).reload();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(manifest.spec(), manager, config.seed())) {
            Checkpoint.load(file, null, network, null);
            Method method = Method.of(config, network);
            List<Subnet> trained = manifest.subnets(method);
            List<SubnetResult> results = new ArrayList<>(Evaluation.evaluate(
                    network, trained, method.calibrate(), prepared, config.batchSize(), config.calibrationBatches()));
            if (widths != null && !widths.isEmpty()) {
                if (!method.calibrate()) {
                    throw new IllegalArgumentException("--widths: a network trained with the " + method.name()
                            + " strategy only runs the subnets it was trained for; use a uniform-trained network");
                }
                List<Subnet> extra = new ArrayList<>();
                for (double w : widths) {
                    Subnet subnet = new Subnet(Method.widthName(w), network.uniformPlan(w));
                    network.register(subnet.plan(), false);
                    extra.add(subnet);
                }
                results.addAll(Evaluation.evaluate(
                        network, extra, true, prepared, config.batchSize(), config.calibrationBatches()));
            }
            results.sort((a, b) -> Long.compare(b.macs(), a.macs()));
            PrintWriter out = spec.commandLine().getOut();
            out.print(
                    json ? new String(Json.pretty(results), StandardCharsets.UTF_8) + "\n" : SubnetTable.text(results));
            out.flush();
        }
        return 0;
    }
}
