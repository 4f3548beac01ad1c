package io.dialnet.artifact;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Outside bytes never crash the artifact readers: every input is read or refused with an
 * {@link ArtifactException} (which the command line turns into one line, exit 2). {@code mvn
 * verify} replays the seed corpus in {@code src/test/resources/io/dialnet/artifact/
 * ArtifactParsersFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (docs/BENCHMARKS.md, "Fuzzing").
 */
class ArtifactParsersFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void safetensors(byte[] bytes) {
        try {
            SafeTensors.decode(bytes, "fuzz");
        } catch (ArtifactException expected) {
            // refused with a message: what a bad file should get
        }
    }

    @FuzzTest(maxDuration = "60s")
    void dynamicModelFile(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".dialnet");
        try {
            Files.write(file, bytes);
            DynamicModelFile.read(file);
        } catch (ArtifactException expected) {
            // refused with a message
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
