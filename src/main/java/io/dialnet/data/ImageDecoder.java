package io.dialnet.data;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files to interleaved RGB bytes, thread-safely, and refuses what it cannot trust:
 * an unreadable file, an unknown format, or a JPEG the decoder warns about (a file truncated after
 * its start-of-scan marker decodes "successfully" with grey rows and a "Missing EOI marker" or
 * "premature end of data segment" warning). Under {@link FolderOptions#skipBadImages()} such a
 * file is recorded, announced once and skipped instead. Keeps decoded images within the cache
 * budget for later epochs.
 */
public final class ImageDecoder {
    /** libjpeg warnings that do not mean lost pixels (stray bytes between segments, odd scan headers). */
    private static final List<String> HARMLESS = List.of("extraneous bytes before marker", "invalid sos parameters");

    /** The largest decoded image, in RGB bytes (an array's limit). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    /**
     * The most pixels an image may claim before it is decoded, by default: Pillow's
     * {@code MAX_IMAGE_PIXELS} (a 1 GiB budget at 4 bytes a pixel, over 3), so a folder Pillow reads
     * is read here too. {@link FolderOptions#maxImagePixels()} and {@code dialnet serve
     * --max-image-pixels} override it, up to {@link #PIXELS_LIMIT}.
     */
    public static final long MAX_PIXELS = 89_478_485L;

    /** The most pixels any setting may allow: an array's limit, at 3 bytes a pixel. */
    public static final long PIXELS_LIMIT = MAX_BYTES / 3;

    /** A decoded image: {@code 3 * width * height} bytes, R G B per pixel, row by row. */
    public record Decoded(int width, int height, byte[] rgb) {}

    private final FolderOptions options;
    private final Map<Path, Decoded> cache = new ConcurrentHashMap<>();
    private final AtomicLong cacheLeft;
    private final Map<Path, String> bad = new ConcurrentHashMap<>();

    public ImageDecoder(FolderOptions options) {
        this.options = options;
        this.cacheLeft = new AtomicLong(options.cacheBytes());
    }

    public FolderOptions options() {
        return options;
    }

    /** Distinct images skipped so far as unreadable (always 0 unless skipping). */
    public int skipped() {
        return bad.size();
    }

    /** The skipped images and why, in no particular order. */
    public Map<Path, String> skippedImages() {
        return Map.copyOf(bad);
    }

    /** Bytes of decoded images held in the cache. */
    public long cachedBytes() {
        return options.cacheBytes() - cacheLeft.get();
    }

    /**
     * The image in {@code file}, or {@code null} when it is bad and bad images are skipped.
     *
     * @throws DataFormatException naming the file when it is bad and bad images are not skipped
     */
    public Decoded decode(Path file) {
        Decoded cached = cache.get(file);
        if (cached != null) {
            return cached;
        }
        if (bad.containsKey(file)) {
            return null;
        }
        Decoded decoded;
        try {
            decoded = read(file, options.maxImagePixels());
        } catch (DataFormatException e) {
            if (!options.skipBadImages()) {
                throw new DataFormatException(e.getMessage() + " (--skip-bad-images skips such files and counts them)");
            }
            if (bad.putIfAbsent(file, e.getMessage()) == null) {
                options.log().accept("skipping " + e.getMessage() + " (" + bad.size() + " bad images skipped so far)");
            }
            return null;
        }
        long bytes = decoded.rgb().length;
        if (cacheLeft.get() >= bytes && cacheLeft.addAndGet(-bytes) >= 0) {
            cache.put(file, decoded);
        }
        return decoded;
    }

    /** Decodes {@code file} without cache or skipping, refusing images over {@link #MAX_PIXELS}. */
    public static Decoded read(Path file) {
        return read(file, MAX_PIXELS);
    }

    /**
     * Decodes {@code file} without cache or skipping; every problem is a {@link DataFormatException}
     * naming it. An image whose header claims more than {@code maxPixels} pixels is refused from
     * its header alone, before any pixel memory is allocated (a decompression bomb: a PNG of a few
     * hundred bytes may claim 25000x25000 pixels, and decoding would first allocate 1.9 GB).
     */
    public static Decoded read(Path file, long maxPixels) {
        List<String> warnings = new ArrayList<>();
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new DataFormatException(file, "cannot be opened");
            }
            ImageReader reader = readerOf(in, file);
            try {
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                String tooLarge = oversize(reader.getWidth(0), reader.getHeight(0), maxPixels);
                if (tooLarge != null) {
                    throw new DataFormatException(file, tooLarge);
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataFormatException d) {
                throw d;
            }
            throw new DataFormatException(file, "cannot be decoded: " + e.getMessage());
        }
        refuseLostPixels(file, warnings);
        if (image == null || image.getWidth() < 1 || image.getHeight() < 1) {
            throw new DataFormatException(file, "is not a readable JPEG or PNG image");
        }
        return new Decoded(image.getWidth(), image.getHeight(), rgb(image));
    }

    /** The reader of {@code in}'s format, its input set; only its header is read so far. */
    private static ImageReader readerOf(ImageInputStream in, Path file) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new DataFormatException(file, "is not a readable JPEG or PNG image (unknown format)");
        }
        ImageReader reader = readers.next();
        reader.setInput(in, true, true);
        return reader;
    }

    /** Refuses an image whose decoder warned of anything but {@link #harmless} trouble. */
    private static void refuseLostPixels(Path file, List<String> warnings) {
        for (String warning : warnings) {
            if (!harmless(warning)) {
                throw new DataFormatException(
                        file, "is truncated or corrupt (decoder: " + String.join("; ", warnings) + ")");
            }
        }
    }

    /**
     * Why an image of {@code width x height} pixels (as its header claims) is not decoded, or null
     * when it has at most {@code maxPixels}; the reason starts with a verb, to follow the image's
     * name ("photo.png is 60000x60000 pixels ...").
     */
    public static String oversize(int width, int height, long maxPixels) {
        long pixels = (long) width * height;
        if (pixels <= maxPixels) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "is %dx%d pixels (%,d), more than the %,d an image may have; refused before decoding"
                        + " (a decompression bomb?)",
                width,
                height,
                pixels,
                maxPixels);
    }

    /**
     * Whether an image decoder's warning leaves every pixel decoded; any other warning (a JPEG cut
     * after its start of scan decodes with grey rows) makes the image truncated or corrupt.
     */
    public static boolean harmless(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return HARMLESS.stream().anyMatch(w::contains);
    }

    /** Interleaved RGB bytes of {@code image}; alpha is dropped and grey replicated, as PIL's convert("RGB"). */
    static byte[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[3 * w * h];
        if ((image.getType() == BufferedImage.TYPE_3BYTE_BGR || image.getType() == BufferedImage.TYPE_BYTE_GRAY)
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
                && image.getRaster().getSampleModel() instanceof ComponentSampleModel model
                && buffer.getOffset() == 0
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0) {
            copyBytes(
                    buffer.getData(),
                    model.getScanlineStride(),
                    image.getType() == BufferedImage.TYPE_BYTE_GRAY,
                    w,
                    h,
                    out);
            return out;
        }
        // any other layout (palette, 16 bits, alpha): through Java's ARGB conversion, a row at a time
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                out[i] = (byte) (row[x] >> 16);
                out[i + 1] = (byte) (row[x] >> 8);
                out[i + 2] = (byte) row[x];
            }
        }
        return out;
    }

    /** The fast path of the common layouts, straight from the raster's bytes: BGR reordered, grey replicated. */
    private static void copyBytes(byte[] data, int stride, boolean grey, int w, int h, byte[] out) {
        for (int y = 0; y < h; y++) {
            int src = y * stride;
            int dst = 3 * y * w;
            for (int x = 0; x < w; x++, dst += 3) {
                if (grey) {
                    byte v = data[src + x];
                    out[dst] = v;
                    out[dst + 1] = v;
                    out[dst + 2] = v;
                } else {
                    out[dst] = data[src + 3 * x + 2];
                    out[dst + 1] = data[src + 3 * x + 1];
                    out[dst + 2] = data[src + 3 * x];
                }
            }
        }
    }
}
