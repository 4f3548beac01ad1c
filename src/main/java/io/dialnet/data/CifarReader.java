package io.dialnet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 binary batches: records of 1 label byte followed by 1024 red, 1024 green and 1024 blue
 * bytes (32x32, row by row), which is already NCHW.
 */
public final class CifarReader {
    public static final int RECORD = 1 + 3 * 32 * 32;
    private static final List<String> DEFAULT_CLASSES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private CifarReader() {}

    /** The training batches {@code data_batch_1.bin .. data_batch_5.bin} of {@code dir}. */
    public static ImageDataset readTrain(Path dir) {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            files.add(dir.resolve("data_batch_" + i + ".bin"));
        }
        return read(files, classNames(dir));
    }

    /** {@code test_batch.bin} of {@code dir}, or {@code null} when the directory has none. */
    public static ImageDataset readTestIfPresent(Path dir) {
        Path test = dir.resolve("test_batch.bin");
        return Files.exists(test) ? read(List.of(test), classNames(dir)) : null;
    }

    public static ImageDataset read(List<Path> files, List<String> classNames) {
        List<byte[]> contents = new ArrayList<>();
        int records = 0;
        for (Path file : files) {
            byte[] bytes = readFile(file);
            if (bytes.length == 0 || bytes.length % RECORD != 0) {
                throw new DataFormatException(
                        file,
                        "size " + bytes.length + " bytes is not a positive multiple of " + RECORD
                                + " (1 label byte + 3072 pixel bytes per CIFAR-10 record); truncated or not CIFAR-10");
            }
            contents.add(bytes);
            records += bytes.length / RECORD;
        }
        byte[] pixels = new byte[records * (RECORD - 1)];
        int[] labels = new int[records];
        int n = 0;
        for (int f = 0; f < files.size(); f++) {
            byte[] bytes = contents.get(f);
            for (int offset = 0; offset < bytes.length; offset += RECORD, n++) {
                int label = bytes[offset] & 0xff;
                if (label >= classNames.size()) {
                    throw new DataFormatException(
                            files.get(f),
                            "record " + offset / RECORD + " has label " + label + ", but there are " + classNames.size()
                                    + " classes");
                }
                labels[n] = label;
                System.arraycopy(bytes, offset + 1, pixels, n * (RECORD - 1), RECORD - 1);
            }
        }
        return new ImageDataset(pixels, labels, 3, 32, 32, classNames);
    }

    private static List<String> classNames(Path dir) {
        Path meta = dir.resolve("batches.meta.txt");
        if (Files.exists(meta)) {
            try {
                List<String> names = Files.readAllLines(meta).stream()
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
                if (names.size() == 10) {
                    return names;
                }
            } catch (IOException e) {
                throw new DataFormatException(meta, "cannot be read: " + e.getMessage());
            }
        }
        return DEFAULT_CLASSES;
    }

    static byte[] readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "no such file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot be read: " + e.getMessage());
        }
    }
}
