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
        int imagesMagic = header(img, images);
        if (imagesMagic != IMAGES_MAGIC) {
            throw new DataFormatException(
                    images,
                    String.format(
                            "magic number 0x%08x is not that of an IDX image file (0x%08x)",
                            imagesMagic, IMAGES_MAGIC));
        }
        int labelsMagic = header(lab, labels);
        if (labelsMagic != LABELS_MAGIC) {
            throw new DataFormatException(
                    labels,
                    String.format(
                            "magic number 0x%08x is not that of an IDX label file (0x%08x)",
                            labelsMagic, LABELS_MAGIC));
        }
        int count = header(img, images);
        int rows = header(img, images);
        int cols = header(img, images);
        int labelCount = header(lab, labels);
        if (count != labelCount) {
            throw new DataFormatException(
                    images + " holds " + count + " images but " + labels + " holds " + labelCount + " labels");
        }
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
        if (lab.remaining() < count) {
            throw new DataFormatException(
                    labels, "truncated: " + count + " labels, found " + lab.remaining() + " bytes");
        }
        byte[] pixels = new byte[(int) pixelBytes];
        img.get(pixels);
        int[] ys = new int[count];
        int maxLabel = 0;
        for (int i = 0; i < count; i++) {
            ys[i] = lab.get() & 0xff;
            maxLabel = Math.max(maxLabel, ys[i]);
        }
        List<String> names = classNames;
        if (names == null) {
            names = IntStream.rangeClosed(0, Math.max(maxLabel, 1))
                    .mapToObj(Integer::toString)
                    .toList();
        } else if (maxLabel >= names.size()) {
            throw new DataFormatException(labels, "label " + maxLabel + " but only " + names.size() + " classes");
        }
        return new ImageDataset(pixels, ys, 1, rows, cols, names);
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
