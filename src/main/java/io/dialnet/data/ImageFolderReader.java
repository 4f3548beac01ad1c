package io.dialnet.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * ImageNet-style folders: one sub-folder per class (sorted by name, label 0 first), each holding
 * JPEG or PNG files. Every image is scaled so its shorter side is {@code size}, then centre-cropped
 * to {@code size x size} RGB.
 */
public final class ImageFolderReader {
    private ImageFolderReader() {}

    public static ImageDataset read(Path root, int size) {
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root, "no such directory");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new DataFormatException(root, "cannot be listed: " + e.getMessage());
        }
        if (classDirs.size() < 2) {
            throw new DataFormatException(root, "needs one sub-folder per class (at least 2), found " + classDirs.size());
        }
        List<String> names = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < classDirs.size(); label++) {
            Path dir = classDirs.get(label);
            names.add(dir.getFileName().toString());
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(ImageFolderReader::isImage).sorted().toList();
            } catch (IOException e) {
                throw new DataFormatException(dir, "cannot be listed: " + e.getMessage());
            }
            for (Path file : files) {
                images.add(load(file, size));
                labels.add(label);
            }
        }
        if (images.isEmpty()) {
            throw new DataFormatException(root, "no .jpg, .jpeg or .png files in its class folders");
        }
        int bytes = 3 * size * size;
        byte[] pixels = new byte[images.size() * bytes];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, pixels, i * bytes, bytes);
        }
        return new ImageDataset(pixels, labels.stream().mapToInt(Integer::intValue).toArray(), 3, size, size, names);
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png"));
    }

    /** Decodes, resizes (shorter side to {@code size}, bilinear) and centre-crops to planar RGB bytes. */
    static byte[] load(Path file, int size) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot be decoded: " + e.getMessage());
        }
        if (image == null) {
            throw new DataFormatException(file, "is not a readable JPEG or PNG image");
        }
        return scaleAndCrop(image, size);
    }

    /**
     * The folder recipe on a decoded image: scale so the shorter side is {@code size} (bilinear),
     * centre-crop to {@code size x size}, planar RGB bytes. Also what the server does to an image
     * sent for inference, so a served image sees exactly the preprocessing of training.
     */
    public static byte[] scaleAndCrop(BufferedImage image, int size) {
        double scale = (double) size / Math.min(image.getWidth(), image.getHeight());
        int w = Math.max(size, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(size, (int) Math.round(image.getHeight() * scale));
        BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, -(w - size) / 2, -(h - size) / 2, w, h, null);
        g.dispose();
        byte[] out = new byte[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = scaled.getRGB(x, y);
                int i = y * size + x;
                out[i] = (byte) (rgb >> 16);
                out[plane + i] = (byte) (rgb >> 8);
                out[2 * plane + i] = (byte) rgb;
            }
        }
        return out;
    }
}
