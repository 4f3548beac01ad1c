package io.dialnet.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * IDX files (MNIST, Fashion-MNIST), gzipped or not: a big-endian magic number {@code 0x0803} for
 * images ({@code count, rows, columns}) or {@code 0x0801} for labels ({@code count}), then bytes.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    public static ImageDataset read(Path images, Path labels, List<String> classNames) {
        return read(CifarReader.readFile(images), images, CifarReader.readFile(labels), labels, classNames);
    }

    /** Reads IDX content already in memory; {@code images} and {@code labels} name it in errors. */
    public static ImageDataset read(
            byte[] imageBytes, Path images, byte[] labelBytes, Path labels, List<String> classNames) {
        ByteBuffer img = inflate(imageBytes, images);
        ByteBuffer lab = inflate(labelBytes, labels);
        magic(img, images, IMAGES_MAGIC, "image");
        magic(lab, labels, LABELS_MAGIC, "label");
        int count = header(img, images);
        int rows = header(img, images);
        int cols = header(img, images);
        int labelCount = header(lab, labels);
        if (count != labelCount) {
            throw new DataFormatException(
                    images + " holds " + count + " images but " + labels + " holds " + labelCount + " labels");
        }
        byte[] pixels = pixels(img, images, count, rows, cols);
        if (lab.remaining() < count) {
            throw new DataFormatException(
                    labels, "truncated: " + count + " labels, found " + lab.remaining() + " bytes");
        }
        int[] ys = new int[count];
        for (int i = 0; i < count; i++) {
            ys[i] = lab.get() & 0xff;
        }
        return new ImageDataset(pixels, ys, 1, rows, cols, classNames(classNames, ys, labels));
    }

    /** Reads the magic number at the start of {@code file} and refuses anything but {@code expected}. */
    private static void magic(ByteBuffer buffer, Path file, int expected, String kind) {
        int magic = header(buffer, file);
        if (magic != expected) {
            throw new DataFormatException(
                    file,
                    String.format("magic number 0x%08x is not that of an IDX %s file (0x%08x)", magic, kind, expected));
        }
    }

    /** The {@code count} images' pixels after the header, the sizes checked before any allocation. */
    private static byte[] pixels(ByteBuffer img, Path images, int count, int rows, int cols) {
        if (count < 0 || rows < 1 || cols < 1) {
            throw new DataFormatException(
                    images,
                    "header says " + count + " images of " + rows + "x" + cols
                            + " pixels; counts must be >= 0 and sizes >= 1");
        }
        long pixelBytes = (long) count * rows * cols;
        if (pixelBytes > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(
                    images,
                    count + " images of " + rows + "x" + cols + " pixels (" + pixelBytes
                            + " bytes) exceed what one IDX file can hold in memory");
        }
        if (img.remaining() < pixelBytes) {
            throw new DataFormatException(
                    images,
                    "truncated: " + count + " images of " + rows + "x" + cols + " need " + pixelBytes + " bytes, found "
                            + img.remaining());
        }
        byte[] pixels = new byte[(int) pixelBytes];
        img.get(pixels);
        return pixels;
    }

    /** The given class names, checked against the largest label; without them, "0", "1", ... (at least two). */
    private static List<String> classNames(List<String> given, int[] ys, Path labels) {
        int maxLabel = 0;
        for (int y : ys) {
            maxLabel = Math.max(maxLabel, y);
        }
        if (given == null) {
            return IntStream.rangeClosed(0, Math.max(maxLabel, 1))
                    .mapToObj(Integer::toString)
                    .toList();
        }
        if (maxLabel >= given.size()) {
            throw new DataFormatException(labels, "label " + maxLabel + " but only " + given.size() + " classes");
        }
        return given;
    }

    private static int header(ByteBuffer buffer, Path file) {
        if (buffer.remaining() < 4) {
            throw new DataFormatException(file, "truncated IDX header");
        }
        return buffer.getInt();
    }

    private static ByteBuffer inflate(byte[] bytes, Path file) {
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new DataFormatException(file, "gzip stream is corrupt or truncated: " + e.getMessage());
            }
        }
        return ByteBuffer.wrap(bytes);
    }
}
