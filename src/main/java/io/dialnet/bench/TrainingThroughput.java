package io.dialnet.bench;

import ai.djl.ndarray.NDManager;
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
import io.dialnet.train.Strategy;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainStep;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Images per second of the real training step, as {@code dialnet bench training} measures it:
 * fed (a) from batches assembled in memory beforehand and (b) through the background loader with
 * augmentation, alternating the two in rounds so machine noise hits both alike; and the loader
 * alone.
 *
 * @param model the architecture
 * @param strategy individual (full width) or uniform (the 4-width sandwich)
 * @param batchSize images per step
 * @param steps timed steps per round
 * @param rounds rounds of (preloaded, loader); medians are reported
 * @param data real images to load ({@code FORMAT:DIR}), or {@code null} for 10,000 random images
 * @param loaderThreads threads decoding a folder's images, or {@code null} for the default
 * @param imageSize pixels per side of a folder's crops, or {@code null} for the model's input size
 * @param loaderBatches batches timed for the loader alone (0 = one epoch)
 * @param seed seed of weights, random images and sampling
 */
public record TrainingThroughput(
        String model,
        Strategy strategy,
        int batchSize,
        int steps,
        int rounds,
        String data,
        Integer loaderThreads,
        Integer imageSize,
        int loaderBatches,
        long seed) {

    public TrainingThroughput {
        ModelZoo.requireKnown(model);
        if (steps < 1 || rounds < 1) {
            throw new IllegalArgumentException("--steps and --rounds must be >= 1");
        }
    }

    /**
     * What was measured.
     *
     * @param preloaded images per second of each round fed from memory
     * @param loader images per second of each round fed by the loader
     * @param trainingCpuMsPerImage CPU time per image of the training step (every thread of the
     *     process), the median over rounds: what it costs a core, whatever else the machine runs
     * @param loaderAlone images per second of the loader alone
     * @param loaderCpuMsPerImage CPU time per image of the loader alone
     * @param loaderThreads threads that decoded (1 unless the data is a folder)
     */
    public record Result(
            TrainingThroughput settings,
            String devices,
            int threads,
            double[] preloaded,
            double[] loader,
            double trainingCpuMsPerImage,
            double loaderAlone,
            double loaderCpuMsPerImage,
            int loaderThreads) {

        public double preloadedMedian() {
            return median(preloaded);
        }

        public double loaderMedian() {
            return median(loader);
        }

        /** The report as text: the set-up, then throughput and CPU cost, a line each. */
        public String text() {
            return ThroughputReport.text(this);
        }

        /** The JSON report: settings, medians, CPU costs, every round and the provenance. */
        public Map<String, Object> report() {
            return ThroughputReport.json(this);
        }
    }

    /** The rounds' measurements: images per second fed from memory and by the loader, CPU ms per image. */
    private record Rounds(double[] fromMemory, double[] fromLoader, double[] trainingCpu) {}

    /** Runs the rounds on {@code devices} (several: data parallel) with {@code threads} engine threads. */
    public Result run(Devices devices, int threads) {
        ModelSpec defaults = ModelZoo.defaultSpec(model);
        DataSource source =
                data == null ? null : DataSource.parse(data, imageSize != null ? imageSize : defaults.inputSize());
        int decoders = loaderThreads != null ? loaderThreads : FolderOptions.defaultThreads();
        ImageSet images = source == null
                ? random(defaults, 10_000, seed)
                : source.load(new FolderOptions(decoders, false, 0, null)).train();
        BatchLoader loader = new BatchLoader(images, Normalization.of(images));
        boolean folder = source != null && source.format() == DataSource.Format.FOLDER;
        Augmentation augmentation = folder ? Augmentation.RESIZED_CROP_AND_FLIP : new Augmentation(4, true);
        Rounds rounds = timeRounds(
                new ModelSpec(model, images.channels(), images.height(), images.classes(), 0),
                devices,
                loader,
                augmentation);
        long loaderCpuStart = processCpuNanos();
        int[] loaderImages = new int[1];
        double loaderAlone = loaderThroughput(loader, augmentation, loaderImages);
        double loaderCpu = (processCpuNanos() - loaderCpuStart) / 1e6 / loaderImages[0];
        return new Result(
                this,
                devices.toString(),
                threads,
                rounds.fromMemory(),
                rounds.fromLoader(),
                median(rounds.trainingCpu()),
                loaderAlone,
                loaderCpu,
                folder ? decoders : 1);
    }

    /**
     * Times the training step round by round, fed first from 8 batches assembled beforehand, then
     * through the loader, after a warm-up (JIT, oneDNN primitives, the allocator).
     */
    private Rounds timeRounds(ModelSpec modelSpec, Devices devices, BatchLoader loader, Augmentation augmentation) {
        TrainConfig config = TrainConfig.builder()
                .setStrategy(strategy)
                .setEpochs(1)
                .optBatchSize(batchSize)
                .build();
        List<Batch> preloaded = preload(loader, augmentation);
        Rounds measured = new Rounds(new double[rounds], new double[rounds], new double[rounds]);
        try (NDManager manager = NDManager.newBaseManager(devices.primary());
                SlimmableNetwork network = ModelZoo.create(modelSpec, manager, seed);
                DataParallel replicas = new DataParallel(network, devices, m -> ModelZoo.create(modelSpec, m, seed));
                Sgd sgd = new Sgd(config.momentum(), config.nesterov(), config.weightDecay(), manager)) {
            Method method = Method.of(config, network);
            TrainStep step = new TrainStep(network, method, config, sgd, replicas);
            Random random = new Random(seed);
            timeSteps(step, method, cycle(preloaded), 3, random); // warm-up: JIT, oneDNN primitives, allocator
            for (int r = 0; r < rounds; r++) {
                long cpu = processCpuNanos();
                measured.fromMemory()[r] = timeSteps(step, method, cycle(preloaded), steps, random);
                measured.trainingCpu()[r] = (processCpuNanos() - cpu) / 1e6 / (steps * batchSize);
                try (BatchLoader.Epoch epoch = loader.training(batchSize, augmentation, seed, r + 1)) {
                    measured.fromLoader()[r] = timeSteps(step, method, epoch, Math.min(steps, epoch.batches()), random);
                }
            }
        }
        return measured;
    }

    /** Up to 8 batches of the first epoch, assembled before any timing. */
    private List<Batch> preload(BatchLoader loader, Augmentation augmentation) {
        List<Batch> preloaded = new ArrayList<>();
        try (BatchLoader.Epoch epoch = loader.training(batchSize, augmentation, 1, 0)) {
            for (int i = 0; i < 8 && epoch.hasNext(); i++) {
                preloaded.add(epoch.next());
            }
        }
        return preloaded;
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
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    private double loaderThroughput(BatchLoader loader, Augmentation augmentation, int[] counted) {
        long start = System.nanoTime();
        int images = 0;
        try (BatchLoader.Epoch epoch = loader.training(batchSize, augmentation, 99, 0)) {
            for (int b = 0; epoch.hasNext() && (loaderBatches == 0 || b < loaderBatches); b++) {
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

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** {@code n} random images and labels of {@code spec}'s input, seeded: training speed does not depend on them. */
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
