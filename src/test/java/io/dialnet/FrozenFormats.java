package io.dialnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.cli.Main;
import io.dialnet.data.Batch;
import io.dialnet.data.BatchLoader;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.data.ImageDataset;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.EpochMetrics;
import io.dialnet.train.Evaluation;
import io.dialnet.train.Method;
import io.dialnet.train.Strategy;
import io.dialnet.train.Subnet;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainResult;
import io.dialnet.train.Trainer;
import io.dialnet.train.TrainingListener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The frozen files of {@code src/test/resources/frozen/} (an artifact and a training checkpoint of
 * each format version, and the numbers they gave when written) and what {@link FrozenFormatsTest}
 * and their generator compute from them, in one place so both compute the same way.
 *
 * <p>{@link #main} is the generator (run it with {@code src/test/resources/frozen/make_frozen.sh};
 * see the README there): on the shipped Fashion-MNIST subset scaled to 8x8 pixels (so the files
 * stay small), it trains the {@code cnn} with the uniform strategy for epoch 1 of 2 and keeps that
 * checkpoint, resumes the run to its end, exports the artifact with {@code dialnet export}, and
 * records what the files compute.
 */
public final class FrozenFormats {
    /** Where the frozen files live, relative to the repository root (the tests' working directory). */
    public static final Path DIR = Path.of("src/test/resources/frozen");
    /** The data the frozen run was trained on, as its checkpoint records it. */
    public static final String DATA = "idx:" + DIR.resolve("fashion-8px");

    static final long SEED = 14;
    /** Images of the fixed input on which logits are recorded. */
    static final int BATCH = 2;

    private FrozenFormats() {}

    public static Path artifact(int format) {
        return DIR.resolve("artifact-v" + format + ".dialnet");
    }

    public static Path checkpoint(int format) {
        return DIR.resolve("checkpoint-v" + format + ".zip");
    }

    /** What frozen file {@code file} gave when it was written: {@code NAME.expected.json} beside it. */
    public static Path expected(Path file) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".expected.json");
    }

    /** The frozen run's data: 800 training and 200 validation images (a seeded split), 500 test images. */
    static DataRecipe.Prepared data() {
        return DataRecipe.builder()
                .setSource(DATA)
                .optImageSize(8)
                .optValidationSize(200)
                .optSplitSeed(SEED)
                .build()
                .reload();
    }

    /** The format version a zip's JSON entry {@code entry} declares (-1 when none). */
    static int declaredFormat(Path zip, String entry) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(entry)) {
                    return Json.MAPPER
                            .readTree(in.readAllBytes())
                            .path("format")
                            .asInt(-1);
                }
            }
        }
        return -1;
    }

    /** The fixed input: {@link #BATCH} seeded standard-normal images (already normalised) of {@code spec}'s size. */
    static float[] input(ModelSpec spec) {
        float[] x = new float[BATCH * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        Random random = new Random(SEED);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    /** Each subnet's logits for the fixed input, through {@code backend}. */
    static Map<String, float[]> artifactLogits(Path file, DynamicModel.Backend backend) throws ArtifactException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (DynamicModel model = DynamicModel.load(file, backend, 1)) {
            float[] x = input(model.manifest().model());
            model.subnets().forEach(s -> out.put(s.name(), model.predict(x, BATCH, s.name())));
        }
        return out;
    }

    /** Each subnet's top-1 accuracy on {@code loader}'s images, through {@code backend}. */
    static Map<String, Double> artifactAccuracy(Path file, DynamicModel.Backend backend, BatchLoader loader)
            throws ArtifactException {
        Map<String, Double> out = new LinkedHashMap<>();
        try (DynamicModel model = DynamicModel.load(file, backend, 1)) {
            int classes = model.manifest().model().classes();
            for (var s : model.subnets()) {
                long right = 0;
                try (BatchLoader.Epoch epoch = loader.ordered(50)) {
                    while (epoch.hasNext()) {
                        Batch batch = epoch.next();
                        float[] logits = model.predict(batch.pixels(), batch.size(), s.name());
                        for (int i = 0; i < batch.size(); i++) {
                            int best = 0;
                            for (int k = 1; k < classes; k++) {
                                if (logits[i * classes + k] > logits[i * classes + best]) {
                                    best = k;
                                }
                            }
                            right += best == batch.labels()[i] ? 1 : 0;
                        }
                    }
                }
                out.put(s.name(), (double) right / loader.data().size());
            }
        }
        return out;
    }

    /**
     * What a checkpoint's weights compute, loaded as {@code dialnet eval} loads them: per subnet,
     * the logits of the fixed input and the validation accuracy with the stored BatchNorm state.
     *
     * @param logits each subnet's logits of the fixed input
     * @param accuracy each subnet's validation accuracy
     */
    record Loaded(Map<String, float[]> logits, Map<String, Double> accuracy) {}

    static Loaded loadCheckpoint(Path file) {
        Checkpoint.RunInfo info = Checkpoint.manifest(file);
        DataRecipe.Prepared data = info.data().reload();
        Map<String, float[]> logits = new LinkedHashMap<>();
        Map<String, Double> accuracy = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network =
                        ModelZoo.create(info.spec(), manager, info.config().seed())) {
            Checkpoint.load(file, null, network, null);
            float[] x = input(info.spec());
            for (Subnet s : info.subnets(Method.of(info.config(), network))) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray in = step.create(
                            x,
                            new Shape(
                                    BATCH,
                                    info.spec().inputChannels(),
                                    info.spec().inputSize(),
                                    info.spec().inputSize()));
                    logits.put(
                            s.name(),
                            network.forward(new Pass(s.plan(), Mode.EVAL, step), in)
                                    .toFloatArray());
                }
                accuracy.put(s.name(), Evaluation.accuracy(network, s.plan(), data.validationLoader(), 50));
            }
        }
        return new Loaded(logits, accuracy);
    }

    /** Resumes the run of checkpoint {@code file} in {@code dir} (a copy) to its end. */
    static TrainResult resume(Path file, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(file, dir.resolve(Trainer.CHECKPOINT), StandardCopyOption.REPLACE_EXISTING);
        Checkpoint.RunInfo info = Checkpoint.manifest(file);
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network =
                        ModelZoo.create(info.spec(), manager, info.config().seed())) {
            return new Trainer(network, info.config(), info.data().reload(), dir, null, 1).train(true);
        }
    }

    /** Stops the generator's run after its first epoch, as a kill would. */
    private static final class Kill extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Writes the frozen files of today's format versions into {@link #DIR}; refuses to replace
     * existing ones (they are what later versions must keep reading). Argument: the commit the
     * generator runs at, recorded with the files.
     */
    public static void main(String[] args) throws Exception {
        int artifactFormat = DynamicModelFile.FORMAT;
        int checkpointFormat = Checkpoint.FORMAT_VERSION;
        Path artifact = artifact(artifactFormat);
        Path checkpoint = checkpoint(checkpointFormat);
        for (Path p : List.of(artifact, checkpoint, expected(artifact), expected(checkpoint))) {
            if (Files.exists(p)) {
                throw new IllegalStateException(p + " exists: frozen files are never regenerated in place");
            }
        }
        writeData(DIR.resolve("fashion-8px"));
        Engines.start();
        Engines.setThreads(1);
        TrainConfig config = TrainConfig.builder()
                .setStrategy(Strategy.UNIFORM)
                .setEpochs(2)
                .optBatchSize(50)
                .optWidths(List.of(1.0, 0.5, 0.25))
                .optMinWidth(0.25)
                .optCalibrationBatches(5)
                .optSeed(SEED)
                .build();
        DataRecipe.Prepared data = data();
        ModelSpec spec = new ModelSpec("cnn", 1, 8, 10, 4);
        Path run = Files.createTempDirectory("frozen-run");
        TrainingListener killAfterFirst = new TrainingListener() {
            @Override
            public void epochEnded(EpochMetrics metrics) {
                throw new Kill();
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = ModelZoo.create(spec, manager, SEED)) {
            new Trainer(network, config, data, run, killAfterFirst, 1).train(false);
            throw new IllegalStateException("the run was not stopped after its first epoch");
        } catch (Kill expectedKill) {
            // epoch 1 of 2 is in the checkpoint
        }
        Files.copy(run.resolve(Trainer.CHECKPOINT), checkpoint);
        Loaded loaded = loadCheckpoint(checkpoint);
        TrainResult resumed = resume(checkpoint, run);
        StringWriter out = new StringWriter();
        int code = Main.execute(
                new PrintWriter(out),
                new PrintWriter(out),
                "export",
                "--checkpoint",
                run.toString(),
                "--out",
                artifact.toString(),
                "--keep-slower",
                "--threads",
                "1");
        if (code != 0) {
            throw new IllegalStateException("dialnet export failed: " + out);
        }

        String commit = args.length > 0 ? args[0] : "unknown";
        ObjectNode a = header(artifact, artifactFormat, commit);
        a.set("logits", Json.MAPPER.valueToTree(artifactLogits(artifact, DynamicModel.Backend.ONNXRUNTIME)));
        a.set(
                "validationAccuracy",
                Json.MAPPER.valueToTree(
                        artifactAccuracy(artifact, DynamicModel.Backend.ONNXRUNTIME, data.validationLoader())));
        Files.write(expected(artifact), Json.pretty(a));
        ObjectNode c = header(checkpoint, checkpointFormat, commit);
        c.put("epochsDone", Checkpoint.manifest(checkpoint).progress().epochsDone());
        c.set("logits", Json.MAPPER.valueToTree(loaded.logits()));
        c.set("validationAccuracy", Json.MAPPER.valueToTree(loaded.accuracy()));
        ObjectNode r = c.putObject("resumed");
        r.put("epochs", resumed.history().size());
        r.put("lastLoss", resumed.history().get(resumed.history().size() - 1).loss());
        Map<String, Double> accuracy = new LinkedHashMap<>();
        resumed.subnets().forEach(s -> accuracy.put(s.name(), s.validationAccuracy()));
        r.set("validationAccuracy", Json.MAPPER.valueToTree(accuracy));
        Files.write(expected(checkpoint), Json.pretty(c));
        System.out.println("wrote " + artifact + " (" + Files.size(artifact) + " bytes), " + checkpoint + " ("
                + Files.size(checkpoint) + " bytes) and what they compute");
    }

    private static ObjectNode header(Path file, int format, String commit) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("file", file.getFileName().toString());
        node.put("format", format);
        node.put("writtenAt", commit);
        node.put("inputSeed", SEED);
        node.put("batch", BATCH);
        return node;
    }

    /**
     * The first 1,000 training and 500 test images of the shipped Fashion-MNIST subset, scaled to
     * 8x8 (the centre 24x24 pixels, 3x3 box averages), as gzipped IDX files in {@code dir}; kept
     * when already there, so every version's files share one data set.
     */
    static void writeData(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Files.createDirectories(dir);
        var demo = DemoData.load();
        writeIdx(dir, "train", (ImageDataset) demo.train(), 1000);
        writeIdx(dir, "t10k", (ImageDataset) demo.test(), 500);
    }

    private static void writeIdx(Path dir, String prefix, ImageDataset images, int n) throws IOException {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(pixels);
        p.writeInt(0x803);
        p.writeInt(n);
        p.writeInt(8);
        p.writeInt(8);
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        DataOutputStream l = new DataOutputStream(labels);
        l.writeInt(0x801);
        l.writeInt(n);
        for (int i = 0; i < n; i++) {
            int base = i * 28 * 28;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int sum = 0;
                    for (int dy = 0; dy < 3; dy++) {
                        for (int dx = 0; dx < 3; dx++) {
                            sum += images.pixels()[base + (2 + 3 * y + dy) * 28 + 2 + 3 * x + dx] & 0xff;
                        }
                    }
                    p.writeByte((sum + 4) / 9);
                }
            }
            l.writeByte(images.labels()[i]);
        }
        gzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"), pixels.toByteArray());
        gzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), labels.toByteArray());
    }

    private static void gzip(Path file, byte[] bytes) throws IOException {
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
    }
}
