package io.dialnet.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Outside bytes never crash the checkpoint reader: a file is read or refused with a
 * {@link CheckpointException} naming it. Seed corpus: {@code src/test/resources/io/dialnet/train/
 * CheckpointFuzzTestInputs/}.
 */
class CheckpointFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void manifest(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("fuzz", ".zip");
        try {
            Files.write(file, bytes);
            Checkpoint.manifest(file);
        } catch (CheckpointException expected) {
            // refused with a message naming the file
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
