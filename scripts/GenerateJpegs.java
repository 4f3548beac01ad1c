import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes a class-folder data set of photo-like JPEGs for loader benchmarks: gradients, overlapping
 * shapes and sensor-like noise, ImageNet's typical 500x375 at quality 92 (about 110 KB each, like
 * ImageNet's average). Run: java scripts/GenerateJpegs.java DIR IMAGES [CLASSES] [WIDTH] [HEIGHT]
 */
public class GenerateJpegs {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int images = Integer.parseInt(args[1]);
        int classes = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int width = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        int height = args.length > 4 ? Integer.parseInt(args[4]) : 375;
        java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        java.util.stream.IntStream.range(0, images).parallel().forEach(i -> {
            try {
                bytes.addAndGet(write(root, i, classes, width, height));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        System.out.printf("%d images in %d classes under %s, %.0f KB on average%n", images, classes, root,
                bytes.get() / 1024.0 / images);
    }

    static long write(Path root, int i, int classes, int width, int height) throws java.io.IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
        {
            int label = i % classes;
            Random r = new Random(i);
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Color base = Color.getHSBColor(label / (float) classes, 0.5f, 0.7f);
            g.setPaint(new GradientPaint(0, 0, base, width, height, new Color(r.nextInt(0xFFFFFF))));
            g.fillRect(0, 0, width, height);
            for (int s = 0; s < 60; s++) {
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 60 + r.nextInt(160)));
                int x = r.nextInt(width);
                int y = r.nextInt(height);
                int w = 10 + r.nextInt(width / 2);
                int h = 10 + r.nextInt(height / 2);
                if (s % 3 == 0) {
                    g.fillOval(x - w / 2, y - h / 2, w, h);
                } else if (s % 3 == 1) {
                    g.fillRect(x - w / 2, y - h / 2, w, h);
                } else {
                    g.setStroke(new BasicStroke(1 + r.nextInt(6)));
                    g.drawLine(x, y, r.nextInt(width), r.nextInt(height));
                }
            }
            g.dispose();
            byte[] data = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int p = 0; p < data.length; p++) {
                data[p] = (byte) Math.max(0, Math.min(255, (data[p] & 0xff) + (int) (r.nextGaussian() * 18)));
            }
            Path dir = Files.createDirectories(root.resolve(String.format("class%03d", label)));
            File file = dir.resolve(String.format("img%06d.jpg", i)).toFile();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(file)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, null), param);
            }
            writer.dispose();
            return file.length();
        }
    }
}
