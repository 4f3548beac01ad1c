package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.Provenance;
import io.dialnet.artifact.ArtifactBuilder;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.Subnet;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dialnet export}: a trained network and its subnets as one dynamic-model file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the dynamic-model artifact (manifest, weights in rank order, BatchNorm per subnet) of a "
                + "trained network; BatchNorm is calibrated and every subnet evaluated on the recorded data first.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--checkpoint", required = true, paramLabel = "PATH", description = "A checkpoint.zip, or the training output directory holding one.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The artifact to write, e.g. model.dialnet (written atomically).")
    Path out;

    @Override
    public Integer call() throws ArtifactException {
        Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve(Trainer.CHECKPOINT) : checkpoint;
        Checkpoint.Manifest saved = Checkpoint.manifest(file);
        TrainConfig config = saved.config();
        if (saved.data() == null) {
            throw new IllegalArgumentException("checkpoint " + file + " records no data to calibrate and evaluate with");
        }
        int threads = common.startEngine();
        DataRecipe.Prepared prepared = saved.data().reload();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(saved.spec(), manager, config.seed())) {
            Checkpoint.load(file, null, network, null);
            Method method = Method.of(config, network);
            List<Subnet> subnets = saved.progress().subnets() == null ? method.subnets()
                    : saved.progress().subnets().entrySet().stream()
                            .map(e -> new Subnet(e.getKey(), ChannelPlan.parse(e.getValue()))).toList();
            List<SubnetResult> results = Evaluation.evaluate(network, subnets, method.calibrate(), prepared,
                    config.batchSize(), config.calibrationBatches());
            List<Manifest.SubnetEntry> entries = results.stream()
                    .sorted(Comparator.comparingLong(SubnetResult::macs).reversed())
                    .map(r -> new Manifest.SubnetEntry(r.name(), r.channels(), r.macs(), r.params(),
                            r.validationAccuracy(), r.testAccuracy(), List.of()))
                    .toList();
            Map<String, double[]> normalization = new LinkedHashMap<>();
            normalization.put("mean", prepared.recipe().normalization().mean());
            normalization.put("std", prepared.recipe().normalization().std());
            Map<String, String> provenance = new LinkedHashMap<>(Provenance.current(threads));
            provenance.put("checkpoint", file.toString());
            provenance.put("data", prepared.recipe().source());
            provenance.put("strategy", config.strategy());
            DynamicModelFile artifact = ArtifactBuilder.build(network, entries, normalization, provenance);
            artifact.write(out);
            spec.commandLine().getOut().printf("wrote %s: %d subnets of %s%n", out, entries.size(),
                    saved.spec().architecture());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
