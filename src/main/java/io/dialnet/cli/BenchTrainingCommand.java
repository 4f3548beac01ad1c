package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.Json;
import io.dialnet.Provenance;
import io.dialnet.data.Augmentation;
import io.dialnet.data.Batch;
import io.dialnet.data.BatchLoader;
import io.dialnet.data.DataSource;
import io.dialnet.data.FolderOptions;
import io.dialnet.data.ImageDataset;
import io.dialnet.data.ImageSet;
import io.dialnet.data.Normalization;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Devices;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.train.DataParallel;
import io.dialnet.train.Method;
import io.dialnet.train.Sgd;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainStep;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dialnet bench training}: images per second of the real training step, fed (a) from
 * batches assembled in memory beforehand and (b) through the background loader with augmentation,
 * alternating the two in rounds so machine noise hits both alike. Also the loader alone.
 */
@Command(
        name = "training",
        mixinStandardHelpOptions = true,
        description = "Training-step throughput with preloaded batches vs the real loader, and the loader alone.")
final class BenchTrainingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    DeviceOptions device;

    @Option(names = "--model", defaultValue = "resnet20", description = "Architecture (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(
            names = "--strategy",
            defaultValue = "individual",
            description = "individual (full width) or uniform (the 4-width sandwich) (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--steps", defaultValue = "20", description = "Timed steps per round (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "Rounds of (preloaded, loader); medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
            names = "--data",
            paramLabel = "FORMAT:DIR",
            description = "Real images to load (default: 10,000 random images of the model's input size).")
    String data;

    @Option(
            names = "--loader-threads",
            paramLabel = "N",
            description = "folder: threads decoding images (default: half the cores, 1..8).")
    Integer loaderThreads;

    @Option(
            names = "--image-size",
            paramLabel = "N",
            description = "folder: pixels per side of the crops (default: the model's input size).")
    Integer imageSize;

    @Option(
            names = "--loader-batches",
            defaultValue = "0",
            paramLabel = "N",
            description = "Batches timed for the loader alone (default: 0 = one epoch).")
    int loaderBatches;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ModelZoo.requireKnown(model);
        if (steps < 1 || rounds < 1) {
            throw new IllegalArgumentException("--steps and --rounds must be >= 1");
        }
        Devices devices = device.devices();
        int threads = common.startEngine();
        ModelSpec defaults = ModelZoo.defaultSpec(model);
        DataSource source =
                data == null ? null : DataSource.parse(data, imageSize != null ? imageSize : defaults.inputSize());
        int decoders = loaderThreads != null ? loaderThreads : FolderOptions.defaultThreads();
        ImageSet images = source == null
                ? random(defaults, 10_000, common.seed)
                : source.load(new FolderOptions(decoders, false, 0, null)).train();
        ModelSpec modelSpec = new ModelSpec(model, images.channels(), images.height(), images.classes(), 0);
        TrainConfig config = TrainConfig.recipe(
                        strategy, 1, strategy.equals("uniform") ? List.of(1.0, 0.75, 0.5, 0.25) : List.of())
                .withBatchSize(batchSize);
        BatchLoader loader = new BatchLoader(images, Normalization.of(images));
        Augmentation augmentation = source != null && source.format() == DataSource.Format.FOLDER
                ? Augmentation.RESIZED_CROP_AND_FLIP
                : new Augmentation(4, true);
        boolean folder = source != null && source.format() == DataSource.Format.FOLDER;
        List<Batch> preloaded = new ArrayList<>();
        try (BatchLoader.Epoch epoch = loader.training(batchSize, augmentation, 1, 0)) {
            for (int i = 0; i < 8 && epoch.hasNext(); i++) {
                preloaded.add(epoch.next());
            }
        }
        double[] fromMemory = new double[rounds];
        double[] fromLoader = new double[rounds];
        double[] trainingCpu = new double[rounds];
        try (NDManager manager = NDManager.newBaseManager(devices.primary());
                SlimmableNetwork network = ModelZoo.create(modelSpec, manager, common.seed);
                DataParallel replicas =
                        new DataParallel(network, devices, m -> ModelZoo.create(modelSpec, m, common.seed));
                Sgd sgd = new Sgd(config.momentum(), config.nesterov(), config.weightDecay(), manager)) {
            Method method = Method.of(config, network);
            TrainStep step = new TrainStep(network, method, config, sgd, replicas);
            Random random = new Random(common.seed);
            timeSteps(step, method, cycle(preloaded), 3, random); // warm-up: JIT, oneDNN primitives, allocator
            for (int r = 0; r < rounds; r++) {
                long cpu = processCpuNanos();
                fromMemory[r] = timeSteps(step, method, cycle(preloaded), steps, random);
                trainingCpu[r] = (processCpuNanos() - cpu) / 1e6 / (steps * batchSize);
                try (BatchLoader.Epoch epoch = loader.training(batchSize, augmentation, common.seed, r + 1)) {
                    fromLoader[r] = timeSteps(step, method, epoch, Math.min(steps, epoch.batches()), random);
                }
            }
        }
        long loaderCpuStart = processCpuNanos();
        int[] loaderImages = new int[1];
        double loaderAlone = loaderThroughput(loader, augmentation, batchSize, loaderBatches, loaderImages);
        double loaderCpu = (processCpuNanos() - loaderCpuStart) / 1e6 / loaderImages[0];
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("strategy", strategy);
        report.put("batch_size", batchSize);
        report.put("device", devices.toString());
        report.put("data", data == null ? "random" : data);
        report.put("preloaded_images_per_s", median(fromMemory));
        report.put("loader_images_per_s", median(fromLoader));
        report.put("loader_vs_preloaded", median(fromLoader) / median(fromMemory));
        report.put("loader_alone_images_per_s", loaderAlone);
        report.put("loader_threads", folder ? decoders : 1);
        // CPU time per image (all threads of the process): what each costs a core, whatever else the machine runs
        report.put("training_cpu_ms_per_image", median(trainingCpu));
        report.put("loader_cpu_ms_per_image", loaderCpu);
        report.put("loader_images_per_cpu_s", 1000 / loaderCpu);
        report.put("rounds_preloaded", fromMemory);
        report.put("rounds_loader", fromLoader);
        report.put("provenance", Provenance.current(threads));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new String(Json.pretty(report), java.nio.charset.StandardCharsets.UTF_8));
        } else {
            out.printf(
                    Locale.ROOT,
                    "%s, %s, batch %d, %s, %d threads, %d rounds of %d steps%n",
                    model,
                    strategy,
                    batchSize,
                    devices,
                    threads,
                    rounds,
                    steps);
            out.printf(Locale.ROOT, "training, preloaded batches   %8.1f images/s%n", median(fromMemory));
            out.printf(
                    Locale.ROOT,
                    "training, real loader         %8.1f images/s  (%.1f%% of preloaded)%n",
                    median(fromLoader),
                    100 * median(fromLoader) / median(fromMemory));
            out.printf(
                    Locale.ROOT,
                    "loader alone (%d thread%s)     %8.1f images/s%n",
                    folder ? decoders : 1,
                    folder && decoders > 1 ? "s" : "",
                    loaderAlone);
            out.printf(
                    Locale.ROOT,
                    "CPU per image: training step %.1f ms, loader %.2f ms (%.0f images per core-second; %.1f%% of the step)%n",
                    median(trainingCpu),
                    loaderCpu,
                    1000 / loaderCpu,
                    100 * loaderCpu / median(trainingCpu));
        }
        out.flush();
        return 0;
    }

    private static double timeSteps(TrainStep step, Method method, Iterator<Batch> batches, int n, Random random) {
        long start = System.nanoTime();
        int images = 0;
        for (int i = 0; i < n && batches.hasNext(); i++) {
            Batch batch = batches.next();
            List<ChannelPlan> plans = method.sampler().sample(random);
            step.run(batch, plans, 0.01);
            images += batch.size();
        }
        return images / ((System.nanoTime() - start) / 1e9);
    }

    /** CPU time of every thread of this process (engine threads included), in nanoseconds. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    private static double loaderThroughput(
            BatchLoader loader, Augmentation augmentation, int batchSize, int batches, int[] counted) {
        long start = System.nanoTime();
        int images = 0;
        try (BatchLoader.Epoch epoch = loader.training(batchSize, augmentation, 99, 0)) {
            for (int b = 0; epoch.hasNext() && (batches == 0 || b < batches); b++) {
                images += epoch.next().size();
            }
        }
        counted[0] = images;
        return images / ((System.nanoTime() - start) / 1e9);
    }

    private static Iterator<Batch> cycle(List<Batch> batches) {
        return IntStream.iterate(0, i -> (i + 1) % batches.size())
                .mapToObj(batches::get)
                .iterator();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static ImageDataset random(ModelSpec spec, int n, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        random.nextBytes(pixels);
        int[] labels = random.ints(n, 0, spec.classes()).toArray();
        List<String> names =
                IntStream.range(0, spec.classes()).mapToObj(Integer::toString).toList();
        return new ImageDataset(pixels, labels, spec.inputChannels(), spec.inputSize(), spec.inputSize(), names);
    }
}
