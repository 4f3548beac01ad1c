package io.dialnet.train;

import io.dialnet.JsonLines;
import io.dialnet.Provenance;
import io.dialnet.data.Batch;
import io.dialnet.data.BatchLoader;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.Engines;
import io.dialnet.nn.SlimmableNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The one trainer every method shares: same optimiser, schedule, augmentation and data order, so
 * "equal epochs" comparisons are honest. A {@link Method} only decides which subnets each step
 * runs and how BatchNorm is treated.
 *
 * <p>After each epoch a checkpoint is written
 * atomically; {@link #train(boolean) train(true)} continues from it and ends with the same
 * weights as an uninterrupted run (same seed and thread count).
 */
public final class Trainer {
    public static final String CHECKPOINT = "checkpoint.zip";
    public static final String METRICS = "metrics.jsonl";

    private final SlimmableNetwork network;
    private final TrainConfig config;
    private final DataRecipe.Prepared data;
    private final BatchLoader trainLoader;
    private final Path outputDir;
    private final TrainingListener listener;
    private final int evaluateEvery;
    private final Method method;
    private final List<Subnet> subnets;
    /** MACs of each plan trained, computed once. */
    private final Map<ChannelPlan, Long> macs = new HashMap<>();

    private EpochHook epochHook;
    private DataParallel parallel;

    /**
     * @param outputDir where checkpoints and metrics go, or {@code null} for none
     * @param evaluateEvery validate every this many epochs (0 = only at the end); it never changes the weights
     */
    public Trainer(
            SlimmableNetwork network,
            TrainConfig config,
            DataRecipe.Prepared prepared,
            Path outputDir,
            TrainingListener listener,
            int evaluateEvery) {
        this(network, config, Method.of(config, network), prepared, outputDir, listener, evaluateEvery);
    }

    /** A trainer for a method built by the caller (the search's fine-tuning and final training). */
    public Trainer(
            SlimmableNetwork network,
            TrainConfig config,
            Method method,
            DataRecipe.Prepared prepared,
            Path outputDir,
            TrainingListener listener,
            int evaluateEvery) {
        this.network = network;
        this.config = config;
        this.data = prepared;
        this.trainLoader = prepared.trainLoader();
        this.outputDir = outputDir;
        this.listener = listener == null ? TrainingListener.NONE : listener;
        this.evaluateEvery = evaluateEvery;
        this.method = method;
        this.subnets = new ArrayList<>(method.subnets());
        for (Subnet subnet : subnets) {
            network.register(subnet.plan(), method.privateAffine());
        }
    }

    /**
     * Trains on {@code replicas} (data parallel; its primary must be this trainer's network), or on
     * the network's own device when {@code null}; returns this trainer. Evaluation, calibration and
     * checkpoints use the primary alone.
     */
    public Trainer dataParallel(DataParallel replicas) {
        if (replicas != null && replicas.networks().get(0) != network) {
            throw new IllegalArgumentException("the data-parallel replicas belong to another network");
        }
        this.parallel = replicas;
        return this;
    }

    /** Lets {@code hook} change the run after every epoch; returns this trainer. */
    public Trainer onEpochEnd(EpochHook hook) {
        this.epochHook = hook;
        return this;
    }

    public Method method() {
        return method;
    }

    /** Trains for the configured epochs (resuming from the output directory's checkpoint if asked). */
    public TrainResult train(boolean resume) {
        Engines.noGrad();
        int stepsPerEpoch = stepsPerEpoch();
        LearningRate schedule = new LearningRate(
                config.learningRate(),
                Math.round(config.warmupEpochs() * stepsPerEpoch),
                (long) stepsPerEpoch * config.epochs());
        try (Sgd sgd = new Sgd(
                config.momentum(),
                config.nesterov(),
                config.weightDecay(),
                network.manager().getParentManager())) {
            Path checkpoint = outputDir == null ? null : outputDir.resolve(CHECKPOINT);
            Checkpoint.Progress progress = startOrResume(resume, checkpoint, sgd);
            List<EpochMetrics> history = new ArrayList<>(progress.history());
            Totals totals = new Totals(progress.step(), progress.trainingCompute(), progress.trainingSeconds());
            TrainStep trainStep = new TrainStep(network, method, config, sgd, parallel);
            listener.started(progress.epochsDone() + 1, config.epochs(), stepsPerEpoch);
            List<SubnetResult> finalResults = null;
            for (int epoch = progress.epochsDone() + 1; epoch <= config.epochs(); epoch++) {
                EpochTally tally = runEpoch(epoch, trainStep, schedule, totals);
                if (epochHook != null) {
                    epochHook.afterEpoch(epoch, control(sgd));
                }
                totals.seconds += tally.seconds;
                if (epoch == config.epochs()) {
                    // The final evaluation (validation and test) doubles as the last epoch's validation.
                    finalResults = evaluateAll();
                }
                Map<String, Double> validation =
                        finalResults != null ? validationOf(finalResults) : validationDue(epoch);
                EpochMetrics metrics = metrics(epoch, tally, stepsPerEpoch, totals.step, schedule, validation);
                history.add(metrics);
                record(checkpoint, metrics, history, totals, sgd);
                listener.epochEnded(metrics);
            }
            return result(history, totals.compute, totals.seconds, finalResults != null ? finalResults : evaluateAll());
        }
    }

    /** Optimiser steps per epoch: the whole batches of the training split. */
    private int stepsPerEpoch() {
        int steps = trainLoader.data().size() / config.batchSize();
        if (steps < 1) {
            throw new IllegalArgumentException("--batch-size " + config.batchSize() + " is larger than the "
                    + trainLoader.data().size() + " training images");
        }
        return steps;
    }

    /**
     * Where the run starts: the checkpoint's progress when resuming from one (weights and optimiser
     * restored), else nothing done. The metrics log restarts with it: empty for a fresh run, the
     * checkpoint's epochs for a resumed one.
     */
    private Checkpoint.Progress startOrResume(boolean resume, Path checkpoint, Sgd sgd) {
        Checkpoint.Progress progress = resume && checkpoint != null && Files.exists(checkpoint)
                ? restore(checkpoint, sgd)
                : new Checkpoint.Progress(0, 0, 0, 0, List.of(), null);
        if (outputDir != null) {
            JsonLines.rewrite(outputDir.resolve(METRICS), progress.history());
        }
        return progress;
    }

    /** One epoch's metrics line: its sums averaged, the rate at its last step {@code step}, its validation. */
    private static EpochMetrics metrics(
            int epoch,
            EpochTally tally,
            int stepsPerEpoch,
            long step,
            LearningRate schedule,
            Map<String, Double> validation) {
        return new EpochMetrics(
                epoch,
                step,
                schedule.at(step - 1),
                tally.lossSum / stepsPerEpoch,
                (double) tally.correct / tally.seen,
                tally.seen / tally.seconds,
                tally.seconds,
                validation);
    }

    /** Validation accuracies when this epoch is one to validate after (--eval-every), else null. */
    private Map<String, Double> validationDue(int epoch) {
        boolean due =
                evaluateEvery > 0 && epoch % evaluateEvery == 0 && data.split().validation() != null;
        return due ? validate() : null;
    }

    /** Saves the epoch's checkpoint, then appends its metrics line (with an output directory). */
    private void record(Path checkpoint, EpochMetrics metrics, List<EpochMetrics> history, Totals totals, Sgd sgd) {
        if (outputDir == null) {
            return;
        }
        // The checkpoint first: a kill before the line is mended on resume, which rewrites the log from the
        // checkpoint's history; a line before its checkpoint would be repeated.
        Checkpoint.Progress progress = new Checkpoint.Progress(
                metrics.epoch(), totals.step, totals.compute, totals.seconds, history, subnetsByName());
        Checkpoint.save(checkpoint, config, data.recipe(), progress, network, sgd);
        appendMetrics(metrics);
    }

    /** Where a run stands across epochs: optimiser steps, training MACs x images, training seconds. */
    private static final class Totals {
        long step;
        double compute;
        double seconds;

        Totals(long step, double compute, double seconds) {
            this.step = step;
            this.compute = compute;
            this.seconds = seconds;
        }
    }

    /** One epoch's sums, for its metrics line. */
    private record EpochTally(double lossSum, long correct, long seen, double seconds) {}

    /** Loads {@code checkpoint} into the network and optimiser, and the subnets it delivered so far. */
    private Checkpoint.Progress restore(Path checkpoint, Sgd sgd) {
        Checkpoint.Progress progress = Checkpoint.load(checkpoint, config, network, sgd);
        if (progress.subnets() != null) {
            subnets.clear();
            progress.subnets().forEach((name, plan) -> subnets.add(new Subnet(name, plan)));
            if (epochHook != null) {
                epochHook.restored(List.copyOf(subnets));
            }
        }
        listener.resumed(checkpoint, progress.epochsDone());
        return progress;
    }

    /** The training steps of one epoch; advances {@code totals}' steps and compute. */
    private EpochTally runEpoch(int epoch, TrainStep trainStep, LearningRate schedule, Totals totals) {
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        long start = System.nanoTime();
        try (BatchLoader.Epoch batches =
                trainLoader.training(config.batchSize(), data.recipe().augmentation(), config.seed(), epoch)) {
            for (int i = 0; batches.hasNext(); i++, totals.step++) {
                Batch batch = batches.next();
                List<ChannelPlan> plans = method.sampler().sample(stepRandom(epoch, i));
                double lr = schedule.at(totals.step);
                TrainStep.Outcome outcome = trainStep.run(batch, plans, lr);
                if (!Double.isFinite(outcome.loss())) {
                    throw new TrainingDivergedException(epoch, i + 1, lr);
                }
                lossSum += outcome.loss();
                correct += outcome.correct();
                seen += batch.size();
                for (ChannelPlan plan : plans) {
                    totals.compute += (double) batch.size()
                            * macs.computeIfAbsent(
                                    plan, p -> Complexity.of(network, p).macs());
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                listener.stepped(epoch, i + 1, lossSum / (i + 1), seen / elapsed);
            }
        }
        return new EpochTally(lossSum, correct, seen, (System.nanoTime() - start) / 1e9);
    }

    private EpochHook.Control control(Sgd sgd) {
        return new EpochHook.Control() {
            @Override
            public Sgd sgd() {
                return sgd;
            }

            @Override
            public void addSubnet(Subnet subnet) {
                // it was cut from the last subnet: its BatchNorm starts from that one's
                network.register(
                        subnet.plan(),
                        method.privateAffine(),
                        subnets.get(subnets.size() - 1).plan());
                subnets.add(subnet);
            }

            @Override
            public List<Subnet> subnets() {
                return List.copyOf(subnets);
            }
        };
    }

    private Map<String, ChannelPlan> subnetsByName() {
        Map<String, ChannelPlan> byName = new LinkedHashMap<>();
        subnets.forEach(s -> byName.put(s.name(), s.plan()));
        return byName;
    }

    /** The sampler's randomness for one step, a pure function of (seed, epoch, step) so resuming replays it. */
    private Random stepRandom(int epoch, int stepInEpoch) {
        return new Random(config.seed() * 1_000_003L + epoch * 100_003L + stepInEpoch);
    }

    /** Validation accuracy of every delivered subnet, calibrating BatchNorm first where the method needs it. */
    private Map<String, Double> validate() {
        DataRecipe.Prepared validationOnly = new DataRecipe.Prepared(data.split(), null, data.recipe());
        return validationOf(Evaluation.evaluate(
                network, subnets, method.calibrate(), validationOnly, config.batchSize(), config.calibrationBatches()));
    }

    /** Size, validation and test accuracy of every delivered subnet. */
    private List<SubnetResult> evaluateAll() {
        return Evaluation.evaluate(
                network, subnets, method.calibrate(), data, config.batchSize(), config.calibrationBatches());
    }

    private static Map<String, Double> validationOf(List<SubnetResult> results) {
        Map<String, Double> accuracy = new LinkedHashMap<>();
        for (SubnetResult r : results) {
            if (!Double.isNaN(r.validationAccuracy())) {
                accuracy.put(r.name(), r.validationAccuracy());
            }
        }
        return accuracy.isEmpty() ? null : accuracy;
    }

    private TrainResult result(List<EpochMetrics> history, double compute, double seconds, List<SubnetResult> results) {
        long images = history.stream()
                .mapToLong(m -> Math.round(m.imagesPerSecond() * m.seconds()))
                .sum();
        double calibration = 0;
        if (method.calibrate()) {
            long calibrationImages = (long) Math.min(
                            config.calibrationBatches(), trainLoader.data().size() / config.batchSize())
                    * config.batchSize();
            calibration = results.stream()
                    .mapToDouble(r -> (double) calibrationImages * r.macs())
                    .sum();
        }
        return new TrainResult(
                method.name(),
                config,
                results,
                compute,
                calibration,
                seconds,
                images / seconds,
                history,
                Provenance.current(Engines.threads()));
    }

    private void appendMetrics(EpochMetrics metrics) {
        JsonLines.append(outputDir.resolve(METRICS), metrics);
    }
}
