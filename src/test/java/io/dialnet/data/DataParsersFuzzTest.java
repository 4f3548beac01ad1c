package io.dialnet.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Outside bytes never crash the data readers: every input is read or refused with a
 * {@link DataFormatException} naming the file. The seed corpus in {@code src/test/resources/
 * io/dialnet/data/DataParsersFuzzTestInputs/} is replayed by {@code mvn verify}.
 */
class DataParsersFuzzTest {
    /** The first two bytes say how many of the rest are the image file; the remainder is the label file. */
    @FuzzTest(maxDuration = "60s")
    void idx(byte[] bytes) {
        int split = bytes.length < 2 ? 0 : Math.min(bytes.length - 2, ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff));
        int start = Math.min(2, bytes.length);
        byte[] images = java.util.Arrays.copyOfRange(bytes, start, start + split);
        byte[] labels = java.util.Arrays.copyOfRange(bytes, start + split, bytes.length);
        try {
            IdxReader.read(images, Path.of("fuzz-images"), labels, Path.of("fuzz-labels"), null);
        } catch (DataFormatException expected) {
            // refused with a message naming the file
        }
    }

    @FuzzTest(maxDuration = "60s")
    void cifar(byte[] bytes) throws IOException {
        Path dir = Files.createTempDirectory("fuzz-cifar");
        Path file = dir.resolve("test_batch.bin");
        try {
            Files.write(file, bytes);
            CifarReader.read(List.of(file), List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
        } catch (DataFormatException expected) {
            // refused with a message naming the file
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
