package io.dialnet.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
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
        byte[] images = Arrays.copyOfRange(bytes, start, start + split);
        byte[] labels = Arrays.copyOfRange(bytes, start + split, bytes.length);
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

    /**
     * An image folder built from the bytes: the first byte's low bit says whether bad images are
     * skipped; then entries of [name length byte][name][2-byte content length][content], a name
     * ending in '/' a directory (names keep only {@code [A-Za-z0-9._/-]} and stay inside the
     * folder). The folder is indexed, then every image decoded and cropped as for evaluation and
     * as for training: read, or refused with a {@link DataFormatException} naming the file.
     */
    @FuzzTest(maxDuration = "60s")
    void imageFolder(byte[] bytes) throws IOException {
        Path root = Files.createTempDirectory("fuzz-folder");
        try {
            boolean skip = bytes.length > 0 && (bytes[0] & 1) == 1;
            int at = 1;
            while (at < bytes.length) {
                int n = Math.min(bytes[at++] & 0xff, bytes.length - at);
                String name = name(bytes, at, n);
                at += n;
                int m = at + 1 < bytes.length ? ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff) : 0;
                at = Math.min(bytes.length, at + 2);
                byte[] content = Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + m));
                at += content.length;
                put(root, name, content);
            }
            ImageFolder folder =
                    ImageFolderReader.read(root, 8, new ImageDecoder(new FolderOptions(1, skip, 0, line -> {})));
            BatchLoader loader = new BatchLoader(
                    folder, new Normalization(new double[] {0.5, 0.5, 0.5}, new double[] {0.25, 0.25, 0.25}));
            drain(loader.ordered(Math.min(4, folder.size())), folder);
            drain(loader.training(1, Augmentation.RESIZED_CROP_AND_FLIP, 7, 0), folder);
        } catch (DataFormatException expected) {
            // refused with a message naming the file or folder
        } finally {
            try (var files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void drain(BatchLoader.Epoch epoch, ImageFolder folder) {
        try (epoch) {
            while (epoch.hasNext()) {
                Batch batch = epoch.next();
                if (batch.pixels().length != batch.size() * 3 * 8 * 8) {
                    throw new IllegalStateException(batch.pixels().length + " floats for " + batch.size() + " images");
                }
                for (int label : batch.labels()) {
                    if (label < 0 || label >= folder.classNames().size()) {
                        throw new IllegalStateException("label " + label);
                    }
                }
                for (float v : batch.pixels()) {
                    if (!Float.isFinite(v)) {
                        throw new IllegalStateException("pixel " + v);
                    }
                }
            }
        }
    }

    /** The entry's name with only {@code [A-Za-z0-9._/-]} kept, or null when nothing is left. */
    private static String name(byte[] bytes, int from, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            char c = (char) (bytes[i] & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '/' || c == '-') {
                b.append(c);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static void put(Path root, String name, byte[] content) throws IOException {
        if (name == null) {
            return;
        }
        Path target = root.resolve(name.replaceFirst("^/+", "")).normalize();
        if (!target.startsWith(root) || target.equals(root) || target.getNameCount() - root.getNameCount() > 4) {
            return;
        }
        try {
            if (name.endsWith("/")) {
                Files.createDirectories(target);
            } else {
                Files.createDirectories(target.getParent());
                if (!Files.isDirectory(target)) {
                    Files.write(target, content);
                }
            }
        } catch (FileSystemException clash) {
            // a file where a directory is needed, or the reverse: the entry is dropped
        }
    }
}
