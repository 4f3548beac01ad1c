package io.dialnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DemoData;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared trainer on the shipped Fashion-MNIST subset with the small CNN. */
@Tag("engine")
class TrainerTest {
    static final List<Double> WIDTHS = List.of(1.0, 0.75, 0.5, 0.25);
    static NDManager manager;
    static DataRecipe.Prepared small;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Engines.start();
        Engines.setThreads(1);
        manager = NDManager.newBaseManager();
        small = DataRecipe.builder()
                .setSource(DemoData.SOURCE)
                .optImageSize(28)
                .optValidationSize(500)
                .optTrainLimit(1500)
                .optSplitSeed(1)
                .build()
                .prepare(DemoData.load());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static TrainConfig config(String strategy, int epochs) {
        return TrainConfig.builder()
                .setStrategy(Strategy.named(strategy))
                .setEpochs(epochs)
                .optBatchSize(50)
                .optLearningRate(0.05)
                .optWidths(strategy.equals("individual") ? List.of() : WIDTHS)
                .optMinWidth(0.25)
                .optCalibrationBatches(5)
                .optSeed(11)
                .build();
    }

    static SlimmableNetwork cnn() {
        var train = small.split().train();
        return ModelZoo.create(new ModelSpec("cnn", 1, 28, train.classes(), 0), manager, 11);
    }

    @Test
    void uniformTrainingLearnsEveryWidth() {
        try (SlimmableNetwork net = cnn()) {
            TrainResult result = new Trainer(net, config("uniform", 2), small, null, null, 0).train(false);
            assertThat(result.subnets())
                    .extracting(SubnetResult::name)
                    .containsExactly("w1.00", "w0.75", "w0.50", "w0.25");
            for (SubnetResult s : result.subnets()) {
                assertThat(s.validationAccuracy()).as(s.name()).isGreaterThan(0.6);
                assertThat(s.testAccuracy()).as(s.name()).isGreaterThan(0.6);
            }
            assertThat(result.subnets().get(0).macs())
                    .isGreaterThan(result.subnets().get(3).macs() * 10);
            assertThat(result.trainingCompute()).isPositive();
            assertThat(result.history()).hasSize(2);
            assertThat(result.history().get(1).loss())
                    .isLessThan(result.history().get(0).loss());
        }
    }

    @Test
    void sandwichTrainsMaxMinAndRandomWidthsBetween() {
        try (SlimmableNetwork net = cnn()) {
            Sampler sampler = Method.of(config("uniform", 1), net).sampler();
            for (int i = 0; i < 20; i++) {
                List<ChannelPlan> plans = sampler.sample(new Random(i));
                assertThat(plans).hasSize(4);
                assertThat(plans.get(0)).isEqualTo(net.fullPlan());
                assertThat(plans.get(1)).isEqualTo(net.uniformPlan(0.25));
                for (ChannelPlan p : plans.subList(2, 4)) {
                    assertThat(plans.get(1).nestsIn(p)).isTrue();
                }
            }
        }
    }

    @Test
    void jointTrainingGivesEachSubnetItsOwnBatchNorm() {
        try (SlimmableNetwork net = cnn()) {
            Trainer trainer = new Trainer(net, config("joint", 1), small, null, null, 0);
            assertThat(net.registeredPlans()).hasSize(4).containsValue(true).doesNotContainValue(false);
            assertThat(net.trainableParameters().keySet()).anyMatch(k -> k.startsWith("conv1.bn.gamma@8,"));
            TrainResult result = trainer.train(false);
            assertThat(result.subnets().get(3).validationAccuracy()).isGreaterThan(0.5);
        }
    }

    /** Stops a run after a given epoch, as a kill would (the checkpoint is written before listeners hear of it). */
    static final class Kill extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void aResumedRunEndsWithTheWeightsOfAnUninterruptedOne() {
        TrainConfig config = config("uniform", 2);
        Map<String, float[]> straight;
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, config, small, dir.resolve("a"), null, 0).train(false);
            straight = snapshot(net);
        }
        try (SlimmableNetwork net = cnn()) {
            TrainingListener killAfterFirst = new TrainingListener() {
                @Override
                public void epochEnded(EpochMetrics metrics) {
                    throw new Kill();
                }
            };
            assertThatThrownBy(() -> new Trainer(net, config, small, dir.resolve("b"), killAfterFirst, 0).train(false))
                    .isInstanceOf(Kill.class);
        }
        try (SlimmableNetwork net = cnn()) {
            List<Integer> resumedAt = new ArrayList<>();
            TrainingListener listener = new TrainingListener() {
                @Override
                public void resumed(Path checkpoint, int epochsDone) {
                    resumedAt.add(epochsDone);
                }
            };
            TrainResult result = new Trainer(net, config, small, dir.resolve("b"), listener, 0).train(true);
            assertThat(resumedAt).containsExactly(1);
            assertThat(result.history()).hasSize(2);
            Map<String, float[]> resumed = snapshot(net);
            assertThat(resumed.keySet()).isEqualTo(straight.keySet());
            straight.forEach(
                    (name, values) -> assertThat(resumed.get(name)).as(name).containsExactly(values));
        }
    }

    /**
     * Issue 14: plans travel as {@link ChannelPlan} values and are written as their text; an older
     * version stored them as typed ({@code "16, 32, 64"}), and such a checkpoint still resumes.
     */
    @Test
    void issue14_aCheckpointWithPlansStoredAsTypedStillResumes() throws IOException {
        Path out = dir.resolve("typed");
        TrainConfig config;
        try (SlimmableNetwork net = cnn()) {
            config = TrainConfig.builder()
                    .setStrategy(Strategy.JOINT)
                    .setEpochs(1)
                    .optBatchSize(50)
                    .optPlans(List.of(net.fullPlan(), net.uniformPlan(0.5)))
                    .optSeed(11)
                    .build();
            new Trainer(net, config, small, out, null, 0).train(false);
        }
        Path checkpoint = out.resolve(Trainer.CHECKPOINT);
        String canonical = "\"" + config.plans().get(1) + "\"";
        String typed = canonical.replace(",", ", ");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(checkpoint))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        String manifest = new String(entries.get("checkpoint.json"), StandardCharsets.UTF_8);
        assertThat(manifest).contains(canonical);
        entries.put("checkpoint.json", manifest.replace(canonical, typed).getBytes(StandardCharsets.UTF_8));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(checkpoint))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        try (SlimmableNetwork net = cnn()) {
            List<Integer> resumedAt = new ArrayList<>();
            TrainingListener listener = new TrainingListener() {
                @Override
                public void resumed(Path file, int epochsDone) {
                    resumedAt.add(epochsDone);
                }
            };
            new Trainer(net, config, small, out, listener, 0).train(true);
            assertThat(resumedAt).containsExactly(1);
        }
    }

    static Map<String, float[]> snapshot(SlimmableNetwork net) {
        Map<String, float[]> out = new LinkedHashMap<>();
        net.stateArrays().forEach((name, array) -> out.put(name, array.toFloatArray()));
        return out;
    }

    @Test
    void trainingDoesNotLeakNativeArrays() {
        try (SlimmableNetwork net = cnn()) {
            List<Integer> counts = new ArrayList<>();
            TrainingListener listener = new TrainingListener() {
                @Override
                public void epochEnded(EpochMetrics metrics) {
                    counts.add(manager.getManagedArrays().size());
                }
            };
            new Trainer(net, config("uniform", 3), small, null, listener, 1).train(false);
            assertThat(counts).hasSize(3);
            assertThat(counts.get(2)).isEqualTo(counts.get(1));
        }
    }

    @Test
    void checkpointProblemsAreNamed() throws IOException {
        TrainConfig config = config("individual", 1);
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, config, small, dir, null, 0).train(false);
        }
        Path file = dir.resolve(Trainer.CHECKPOINT);
        assertThat(Checkpoint.manifest(file).progress().epochsDone()).isEqualTo(1);
        try (SlimmableNetwork net = cnn()) {
            assertThatThrownBy(() -> new Trainer(
                                    net, config.toBuilder().optBatchSize(25).build(), small, dir, null, 0)
                            .train(true))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("batchSize=50")
                    .hasMessageContaining("batchSize=25");
        }
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        try (SlimmableNetwork net = cnn()) {
            assertThatThrownBy(() -> Checkpoint.load(truncated, null, net, null))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("truncated.zip");
        }
        Path garbage = dir.resolve("garbage.zip");
        Files.writeString(garbage, "not a zip at all");
        assertThatThrownBy(() -> Checkpoint.manifest(garbage))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("garbage.zip")
                .hasMessageContaining("checkpoint.json");
    }

    @Test
    void learningRateWarmsUpThenFollowsACosineToZero() {
        LearningRate lr = new LearningRate(0.1, 10, 110);
        assertThat(lr.at(0)).isEqualTo(0.01, Offset.offset(1e-12));
        assertThat(lr.at(9)).isEqualTo(0.1, Offset.offset(1e-12));
        assertThat(lr.at(60)).isEqualTo(0.05, Offset.offset(1e-12));
        assertThat(lr.at(110)).isEqualTo(0.0, Offset.offset(1e-12));
    }

    @Test
    void configRejectsBadValuesByName() {
        assertThatThrownBy(() -> config("uniform", 0)).hasMessageContaining("--epochs: 0");
        assertThatThrownBy(() -> Strategy.named("greedy"))
                .hasMessage("--strategy: greedy is not a strategy; known: individual, uniform, joint");
        assertThatThrownBy(() -> TrainConfig.builder()
                        .setStrategy(Strategy.INDIVIDUAL)
                        .setEpochs(1)
                        .optWidths(List.of(1.0, 0.5))
                        .build())
                .hasMessageContaining("at most one");
        assertThatThrownBy(() -> TrainConfig.builder()
                        .setStrategy(Strategy.UNIFORM)
                        .setEpochs(1)
                        .optWidths(List.of(1.5))
                        .build())
                .hasMessageContaining("--widths: 1.5");
        assertThatThrownBy(() -> TrainConfig.builder().setEpochs(1).build()).hasMessageContaining("--strategy");
    }

    @Test
    void lossesMatchHandComputedValues() {
        try (NDManager m = manager.newSubManager()) {
            NDArray logits = m.create(new float[] {0, 0, (float) Math.log(2)}, new Shape(1, 3));
            NDArray label = m.create(new int[] {2});
            // p = [1/4, 1/4, 1/2]: CE = ln 2; with smoothing 0.3: 0.7 ln 2 + 0.3 * mean(-log p)
            assertThat(Losses.crossEntropy(logits, label, 0).getFloat())
                    .isCloseTo((float) Math.log(2), Offset.offset(1e-6f));
            double smooth = 0.7 * Math.log(2) + 0.3 * (Math.log(4) * 2 + Math.log(2)) / 3;
            assertThat(Losses.crossEntropy(logits, label, 0.3).getFloat())
                    .isCloseTo((float) smooth, Offset.offset(1e-6f));
            NDArray target = m.create(new float[] {0.5f, 0.5f, 0}, new Shape(1, 3));
            assertThat(Losses.softCrossEntropy(logits, target).getFloat())
                    .isCloseTo((float) Math.log(4), Offset.offset(1e-6f));
        }
    }

    static List<Integer> loggedEpochs(Path out) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(Trainer.METRICS))) {
            epochs.add(Json.MAPPER.readTree(line).get("epoch").asInt());
        }
        return epochs;
    }

    /** Issue 13: a run killed while saving its checkpoint resumed with the epoch's metrics line already written. */
    @Test
    void issue13_aFailedCheckpointNeverLeavesAMetricsLineThatResumeRepeats() throws IOException {
        TrainConfig config = config("individual", 2);
        Path out = dir.resolve("run");
        Path kept = dir.resolve("kept.zip");
        try (SlimmableNetwork net = cnn()) {
            Trainer trainer = new Trainer(net, config, small, out, null, 0).onEpochEnd((epoch, control) -> {
                if (epoch == 2) {
                    // the write of epoch 2's checkpoint fails (as a kill would stop it): a non-empty
                    // directory stands where the file goes; epoch 1's checkpoint is kept aside
                    try {
                        Files.move(out.resolve(Trainer.CHECKPOINT), kept);
                        Files.createDirectories(out.resolve(Trainer.CHECKPOINT).resolve("x"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            assertThatThrownBy(() -> trainer.train(false)).isInstanceOf(CheckpointException.class);
        }
        Files.delete(out.resolve(Trainer.CHECKPOINT).resolve("x"));
        Files.delete(out.resolve(Trainer.CHECKPOINT));
        Files.move(kept, out.resolve(Trainer.CHECKPOINT));
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, config, small, out, null, 0).train(true);
        }
        assertThat(loggedEpochs(out)).containsExactly(1, 2);
    }

    /** Issue 13: the log matches the checkpoint a run resumes from, and a fresh run starts a fresh log. */
    @Test
    void issue13_metricsLogFollowsTheCheckpointNotEarlierRuns() throws IOException {
        TrainConfig config = config("individual", 2);
        Path out = dir.resolve("run");
        try (SlimmableNetwork net = cnn()) {
            TrainingListener killAfterFirst = new TrainingListener() {
                @Override
                public void epochEnded(EpochMetrics metrics) {
                    throw new Kill();
                }
            };
            assertThatThrownBy(() -> new Trainer(net, config, small, out, killAfterFirst, 0).train(false))
                    .isInstanceOf(Kill.class);
        }
        Files.writeString(out.resolve(Trainer.METRICS), ""); // killed after the checkpoint, before its line
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, config, small, out, null, 0).train(true);
        }
        assertThat(loggedEpochs(out)).containsExactly(1, 2);
        try (SlimmableNetwork net = cnn()) {
            new Trainer(net, config, small, out, null, 0).train(false);
        }
        assertThat(loggedEpochs(out)).containsExactly(1, 2); // not 1, 2, 1, 2
    }
}
