package io.dialnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Engines;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.CheckpointException;
import io.dialnet.train.TrainResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every artifact and checkpoint frozen in {@code src/test/resources/frozen/} (one of each format
 * version, written by {@link FrozenFormats}) is read by this Dialnet and computes what it computed
 * when it was written, or, when its version is retired, is refused with a message naming the file
 * and the version. A file of a version newer than this Dialnet writes is refused the same way.
 */
@Tag("engine")
class FrozenFormatsTest {
    /** Logits may differ by this much between machines (other kernels, other summation orders). */
    static final double LOGIT_TOLERANCE = 1e-4;
    /** Accuracy on the 200 validation images of the same weights: at most one image apart. */
    static final double SAME_WEIGHTS = 1.01 / 200;
    /** Accuracy after a resumed epoch of training, whose rounding may differ between machines: 3 points. */
    static final double RETRAINED = 0.03;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        Engines.start();
        Engines.setThreads(1);
    }

    static List<Path> frozen(String prefix, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(FrozenFormats.DIR)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }

    static List<Path> artifacts() throws IOException {
        return frozen("artifact-v", ".dialnet");
    }

    static List<Path> checkpoints() throws IOException {
        return frozen("checkpoint-v", ".zip");
    }

    @Test
    void theFormatsWrittenTodayAreFrozen() {
        assertThat(FrozenFormats.artifact(DynamicModelFile.FORMAT))
                .as("a frozen artifact of today's format (src/test/resources/frozen/make_frozen.sh writes one)")
                .exists();
        assertThat(FrozenFormats.checkpoint(Checkpoint.FORMAT_VERSION))
                .as("a frozen checkpoint of today's format (src/test/resources/frozen/make_frozen.sh writes one)")
                .exists();
    }

    @ParameterizedTest
    @MethodSource("artifacts")
    void aFrozenArtifactComputesWhatItDidWhenWrittenOrIsRefusedByName(Path file) throws Exception {
        int format = FrozenFormats.declaredFormat(file, DynamicModelFile.MANIFEST);
        if (DynamicModelFile.VERSIONS.problem(format) != null) {
            assertThatThrownBy(() -> DynamicModelFile.read(file))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("format " + format);
            return;
        }
        JsonNode expected = Json.MAPPER.readTree(FrozenFormats.expected(file).toFile());
        JsonNode logits = expected.get("logits");
        DynamicModelFile read = DynamicModelFile.read(file);
        assertThat(read.manifest().subnets())
                .extracting(Manifest.SubnetEntry::name)
                .containsExactlyElementsOf(names(logits));
        assertThat(read.onnx().keySet()).containsExactlyElementsOf(names(logits));
        for (DynamicModel.Backend backend : DynamicModel.Backend.values()) {
            Map<String, float[]> now = FrozenFormats.artifactLogits(file, backend);
            assertThat(now.keySet()).containsExactlyElementsOf(names(logits));
            now.forEach((subnet, values) -> assertClose(values, logits.get(subnet), backend + " " + subnet));
        }
        Map<String, Double> accuracy = FrozenFormats.artifactAccuracy(
                file, DynamicModel.Backend.ONNXRUNTIME, FrozenFormats.data().validationLoader());
        for (Manifest.SubnetEntry s : read.manifest().subnets()) {
            assertThat(accuracy.get(s.name()))
                    .as("validation accuracy of %s", s.name())
                    .isCloseTo(expected.get("validationAccuracy").get(s.name()).asDouble(), within(SAME_WEIGHTS))
                    .isCloseTo(s.validationAccuracy(), within(SAME_WEIGHTS));
        }
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void aFrozenCheckpointLoadsEvaluatesAndResumesAsWhenWrittenOrIsRefusedByName(Path file) throws Exception {
        int format = FrozenFormats.declaredFormat(file, "checkpoint.json");
        if (Checkpoint.VERSIONS.problem(format) != null) {
            assertThatThrownBy(() -> Checkpoint.manifest(file))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("format " + format);
            return;
        }
        JsonNode expected = Json.MAPPER.readTree(FrozenFormats.expected(file).toFile());
        Checkpoint.RunInfo info = Checkpoint.manifest(file);
        assertThat(info.progress().epochsDone())
                .isEqualTo(expected.get("epochsDone").asInt());
        assertThat(info.data().source()).isEqualTo(FrozenFormats.DATA);

        FrozenFormats.Loaded loaded = FrozenFormats.loadCheckpoint(file);
        assertThat(loaded.logits().keySet()).containsExactlyElementsOf(names(expected.get("logits")));
        loaded.logits()
                .forEach((subnet, values) ->
                        assertClose(values, expected.get("logits").get(subnet), subnet));
        loaded.accuracy()
                .forEach((subnet, acc) -> assertThat(acc)
                        .as("validation accuracy of %s", subnet)
                        .isCloseTo(
                                expected.get("validationAccuracy").get(subnet).asDouble(), within(SAME_WEIGHTS)));

        JsonNode resumedExpected = expected.get("resumed");
        TrainResult resumed = FrozenFormats.resume(file, dir.resolve("resumed"));
        assertThat(resumed.history()).hasSize(resumedExpected.get("epochs").asInt());
        assertThat(resumed.history().get(resumed.history().size() - 1).loss())
                .isCloseTo(resumedExpected.get("lastLoss").asDouble(), within(0.02));
        resumed.subnets()
                .forEach(s -> assertThat(s.validationAccuracy())
                        .as("validation accuracy of %s after the resumed epoch", s.name())
                        .isCloseTo(
                                resumedExpected
                                        .get("validationAccuracy")
                                        .get(s.name())
                                        .asDouble(),
                                within(RETRAINED)));
    }

    @Test
    void aFileOfAFutureFormatIsRefusedNamingTheFileAndTheVersion() throws IOException {
        int artifactFuture = DynamicModelFile.FORMAT + 1;
        Path artifact = withFormat(
                FrozenFormats.artifact(DynamicModelFile.FORMAT),
                DynamicModelFile.MANIFEST,
                artifactFuture,
                dir.resolve("future.dialnet"));
        assertThatThrownBy(() -> DynamicModelFile.read(artifact))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining(artifact.toString())
                .hasMessageContaining("format " + artifactFuture + " was written by a newer Dialnet")
                .hasMessageContaining("reads format " + DynamicModelFile.FORMAT);
        assertThatThrownBy(() -> DynamicModel.load(artifact))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("format " + artifactFuture);

        int checkpointFuture = Checkpoint.FORMAT_VERSION + 1;
        Path checkpoint = withFormat(
                FrozenFormats.checkpoint(Checkpoint.FORMAT_VERSION),
                "checkpoint.json",
                checkpointFuture,
                dir.resolve("future.zip"));
        assertThatThrownBy(() -> Checkpoint.manifest(checkpoint))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(checkpoint.toString())
                .hasMessageContaining("format " + checkpointFuture + " was written by a newer Dialnet");

        Path noVersion = withFormat(
                FrozenFormats.checkpoint(Checkpoint.FORMAT_VERSION), "checkpoint.json", 0, dir.resolve("0.zip"));
        assertThatThrownBy(() -> Checkpoint.manifest(noVersion))
                .hasMessageContaining(noVersion.toString())
                .hasMessageContaining("no valid format version");
    }

    @Test
    void aRetiredFormatIsRefusedNamingTheVersionAndTheWayOut() {
        FormatVersions versions = new FormatVersions(3, 5);
        assertThat(versions.problem(3)).isNull();
        assertThat(versions.problem(5)).isNull();
        assertThat(versions.problem(2))
                .contains("format 2 is retired")
                .contains("formats 3 to 5")
                .contains("older Dialnet");
        assertThat(versions.problem(6)).contains("format 6 was written by a newer Dialnet");
        assertThat(versions.problem(-1)).contains("no valid format version");
    }

    /** A copy of zip {@code from} whose JSON entry {@code entry} declares {@code format}. */
    static Path withFormat(Path from, String entry, int format, Path to) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(from)));
                OutputStream file = Files.newOutputStream(to);
                ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals(entry)) {
                    ObjectNode json = (ObjectNode) Json.MAPPER.readTree(bytes);
                    json.put("format", format);
                    bytes = Json.MAPPER.writeValueAsBytes(json);
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        return to;
    }

    static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static void assertClose(float[] actual, JsonNode expected, String what) {
        assertThat(actual).as(what).hasSize(expected.size());
        for (int i = 0; i < actual.length; i++) {
            double e = expected.get(i).asDouble();
            assertThat((double) actual[i])
                    .as("%s logit %d", what, i)
                    .isCloseTo(e, within(LOGIT_TOLERANCE * (1 + Math.abs(e))));
        }
    }
}
