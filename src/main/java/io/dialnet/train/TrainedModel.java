package io.dialnet.train;

import ai.djl.ndarray.NDManager;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DataRequest;
import io.dialnet.data.FolderOptions;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A finished run's network restored from its checkpoint, as {@code eval} and {@code export} use
 * it: the manifest read, the network built from the recorded spec and loaded, the training method
 * rebuilt from the recorded config, and the subnets the run delivered. Closing it frees the
 * network and its memory.
 */
public final class TrainedModel implements AutoCloseable {
    private final Path file;
    private final Checkpoint.RunInfo manifest;
    private final NDManager manager;
    private final SlimmableNetwork network;
    private final Method method;
    private final List<Subnet> subnets;

    private TrainedModel(
            Path file, Checkpoint.RunInfo manifest, NDManager manager, SlimmableNetwork network, Method method) {
        this.file = file;
        this.manifest = manifest;
        this.manager = manager;
        this.network = network;
        this.method = method;
        this.subnets = manifest.subnets(method);
    }

    /** Restores the checkpoint {@code path}, or the one in the training output directory {@code path}. */
    public static TrainedModel restore(Path path) {
        Path file = Checkpoint.resolve(path);
        Checkpoint.RunInfo manifest = Checkpoint.manifest(file);
        NDManager manager = NDManager.newBaseManager();
        SlimmableNetwork network = null;
        try {
            network =
                    ModelZoo.create(manifest.spec(), manager, manifest.config().seed());
            Checkpoint.load(file, null, network, null);
            return new TrainedModel(file, manifest, manager, network, Method.of(manifest.config(), network));
        } catch (RuntimeException e) {
            if (network != null) {
                network.close();
            }
            manager.close();
            throw e;
        }
    }

    /**
     * Every subnet of the checkpoint {@code path} evaluated, and with {@code widths} (uniform-trained
     * networks only) those uniform widths too, largest MACs first: what {@code eval} prints. The
     * data is the recorded one, read from {@code otherSource} when given; an imported network
     * records none and needs {@code otherSource} (then read with {@code folders}).
     */
    public static List<SubnetResult> evaluate(
            Path path, String otherSource, List<Double> widths, FolderOptions folders) {
        try (TrainedModel model = restore(path)) {
            if (!widths.isEmpty() && !model.method.calibrate()) {
                throw new IllegalArgumentException("--widths: a network trained with the " + model.method.name()
                        + " strategy only runs the subnets it was trained for; use a uniform-trained network");
            }
            DataRecipe.Prepared data = model.data(otherSource, folders);
            List<SubnetResult> results = new ArrayList<>(model.evaluate(data));
            results.addAll(model.evaluateWidths(data, widths));
            results.sort(Comparator.comparingLong(SubnetResult::macs).reversed());
            return results;
        }
    }

    /**
     * The data the run was trained on, prepared again exactly as recorded (read from
     * {@code otherSource} when not {@code null}); for an imported network, which records only the
     * normalisation its weights expect, {@code otherSource} split with the defaults.
     */
    public DataRecipe.Prepared data(String otherSource, FolderOptions folders) {
        DataRecipe recipe = manifest.data();
        if (recipe == null && otherSource == null) {
            throw new IllegalArgumentException("checkpoint " + file + " records no data; pass --data");
        }
        if (recipe == null) {
            return DataRequest.of(otherSource, manifest.spec().inputSize(), folders)
                    .prepare(manifest.config().seed(), 0, manifest.normalization());
        }
        return (otherSource == null ? recipe : recipe.withSource(otherSource)).reload();
    }

    /** Size and accuracy of every delivered subnet, BatchNorm calibrated first where the method needs it. */
    public List<SubnetResult> evaluate(DataRecipe.Prepared data) {
        TrainConfig config = manifest.config();
        return Evaluation.evaluate(
                network, subnets, method.calibrate(), data, config.batchSize(), config.calibrationBatches());
    }

    /** Size and accuracy of uniform widths the run was not evaluated at, BatchNorm calibrated for each. */
    public List<SubnetResult> evaluateWidths(DataRecipe.Prepared data, List<Double> widths) {
        List<Subnet> extra = new ArrayList<>();
        for (double w : widths) {
            Subnet subnet = new Subnet(Method.widthName(w), network.uniformPlan(w));
            network.register(subnet.plan(), false);
            extra.add(subnet);
        }
        TrainConfig config = manifest.config();
        return Evaluation.evaluate(network, extra, true, data, config.batchSize(), config.calibrationBatches());
    }

    /** Size of every delivered subnet with accuracy unknown (NaN): for a network without data. */
    public List<SubnetResult> sizes() {
        return subnets.stream()
                .map(s -> {
                    Complexity c = Complexity.of(network, s.plan());
                    return new SubnetResult(s.name(), s.plan().toList(), c.macs(), c.params(), Double.NaN, null);
                })
                .toList();
    }

    /** The checkpoint file it was restored from. */
    public Path file() {
        return file;
    }

    public Checkpoint.RunInfo manifest() {
        return manifest;
    }

    public SlimmableNetwork network() {
        return network;
    }

    public Method method() {
        return method;
    }

    /** The subnets the run delivered, in its order. */
    public List<Subnet> subnets() {
        return subnets;
    }

    @Override
    public void close() {
        try {
            network.close();
        } finally {
            manager.close();
        }
    }
}
