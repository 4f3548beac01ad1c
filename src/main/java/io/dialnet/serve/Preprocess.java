package io.dialnet.serve;

import io.dialnet.artifact.Manifest;
import io.dialnet.data.Crops;
import io.dialnet.data.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns what a client sends into the normalised NCHW floats the model takes, with the recipe the
 * artifact records: an encoded PNG or JPEG is scaled (shorter side to the model's input size,
 * bilinear), centre-cropped and normalised {@code (x / 255 - mean) / std} per channel, exactly as
 * {@code folder:} training data is; raw 8-bit pixels skip the decoding.
 */
final class Preprocess {
    private final int channels;
    private final int size;
    private final float[] scale;
    private final float[] shift;
    /** Images whose header claims more pixels are refused before decoding (a decompression bomb). */
    private final long maxImagePixels;

    Preprocess(Manifest manifest, long maxImagePixels) {
        this.maxImagePixels = maxImagePixels;
        this.channels = manifest.model().inputChannels();
        this.size = manifest.model().inputSize();
        double[] mean = manifest.normalization() == null
                ? null
                : manifest.normalization().get("mean");
        double[] std = manifest.normalization() == null
                ? null
                : manifest.normalization().get("std");
        this.scale = new float[channels];
        this.shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            // Without a recorded recipe the pixels go in as x / 255.
            double m = mean != null && mean.length == channels ? mean[c] : 0;
            double s = std != null && std.length == channels ? std[c] : 1;
            scale[c] = (float) (1 / (255.0 * s));
            shift[c] = (float) (-m / s);
        }
    }

    /** Floats per image. */
    int imageFloats() {
        return channels * size * size;
    }

    /** Whether the artifact records its normalisation (else images are only scaled to [0, 1]). */
    static boolean recorded(Manifest manifest) {
        return manifest.normalization() != null && manifest.normalization().containsKey("mean");
    }

    /**
     * Decodes one PNG or JPEG and writes its normalised floats at {@code offset} of {@code out};
     * {@code what} names it in errors (e.g. "the body", "input[2]").
     */
    void image(byte[] encoded, String what, float[] out, int offset) throws Refusal {
        BufferedImage image = decode(encoded, what);
        byte[] rgb = Crops.evaluationPixels(image, size);
        int plane = size * size;
        if (channels == 3) {
            pixels(rgb, out, offset);
        } else {
            // A grey model: luminance of the RGB crop (ITU-R BT.601), the other channels unused.
            byte[] grey = new byte[channels * plane];
            for (int i = 0; i < plane; i++) {
                int v = (int) Math.round(0.299 * (rgb[i] & 0xff)
                        + 0.587 * (rgb[plane + i] & 0xff)
                        + 0.114 * (rgb[2 * plane + i] & 0xff));
                for (int c = 0; c < channels; c++) {
                    grey[c * plane + i] = (byte) v;
                }
            }
            pixels(grey, out, offset);
        }
    }

    /** Normalises one image of planar 8-bit pixels ({@code C x H x W}). */
    void pixels(byte[] planar, float[] out, int offset) {
        int plane = size * size;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                out[offset + c * plane + i] = (planar[c * plane + i] & 0xff) * scale[c] + shift[c];
            }
        }
    }

    private BufferedImage decode(byte[] encoded, String what) throws Refusal {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new Refusal(400, what + " is not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                // the training data's rule too (ImageDecoder): the header's size is checked before any pixel memory
                String tooLarge = ImageDecoder.oversize(reader.getWidth(0), reader.getHeight(0), maxImagePixels);
                if (tooLarge != null) {
                    throw new Refusal(400, what + " " + tooLarge);
                }
                BufferedImage image = reader.read(0);
                // the training data's rule (ImageDecoder): a warning other than a harmless one means lost pixels
                if (warnings.stream().anyMatch(w -> !ImageDecoder.harmless(w))) {
                    throw new Refusal(
                            400, what + " is truncated or corrupt (decoder: " + String.join("; ", warnings) + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new Refusal(400, what + " cannot be decoded as an image: " + e.getMessage());
        }
    }
}
