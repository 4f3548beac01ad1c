package io.dialnet.data;

import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * torchvision's ImageNet views of an image of any size, as boxes in source pixels, and the one
 * bilinear resampling that turns a box into a {@code size x size} planar, normalised crop.
 *
 * <ul>
 *   <li>training: {@code RandomResizedCrop(size, scale=(0.08, 1), ratio=(3/4, 4/3))}, the same
 *       draws as {@code torchvision.transforms.RandomResizedCrop.get_params}, then a horizontal
 *       flip with probability 1/2;
 *   <li>evaluation: {@code Resize(size * 256 / 224)} of the shorter side then
 *       {@code CenterCrop(size)}, i.e. the centred square of side {@code min(w, h) * 224 / 256}.
 * </ul>
 */
public final class Crops {
    public static final double MIN_SCALE = 0.08;
    public static final double MAX_SCALE = 1.0;
    public static final double MIN_RATIO = 3.0 / 4.0;
    public static final double MAX_RATIO = 4.0 / 3.0;
    /** Evaluation resizes the shorter side to {@code size * RESIZE / CROP} before the centre crop. */
    static final double RESIZE = 256;

    static final double CROP = 224;

    private Crops() {}

    /** A region of the source image in pixels: left, top, width, height. */
    public record Box(double x, double y, double width, double height) {}

    /**
     * torchvision's {@code RandomResizedCrop.get_params}: up to 10 draws of an area fraction in
     * {@code [0.08, 1)} and a log-uniform aspect ratio in {@code [3/4, 4/3)}; the first box that
     * fits is placed uniformly; otherwise the centred crop clamped to that ratio range.
     */
    public static Box randomResized(int width, int height, Random random) {
        double area = (double) width * height;
        double logMin = Math.log(MIN_RATIO);
        double logMax = Math.log(MAX_RATIO);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (MIN_SCALE + (MAX_SCALE - MIN_SCALE) * random.nextDouble());
            double ratio = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
            long w = Math.round(Math.sqrt(target * ratio));
            long h = Math.round(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = random.nextInt((int) (height - h) + 1);
                int left = random.nextInt((int) (width - w) + 1);
                return new Box(left, top, w, h);
            }
        }
        double inRatio = (double) width / height;
        long w;
        long h;
        if (inRatio < MIN_RATIO) {
            w = width;
            h = Math.round(w / MIN_RATIO);
        } else if (inRatio > MAX_RATIO) {
            h = height;
            w = Math.round(h * MAX_RATIO);
        } else {
            w = width;
            h = height;
        }
        return new Box((width - w) / 2, (height - h) / 2, w, h);
    }

    /** The evaluation view: the centred square that {@code Resize(size*256/224)} + {@code CenterCrop(size)} keeps. */
    public static Box centre(int width, int height) {
        double side = Math.min(width, height) * CROP / RESIZE;
        return new Box((width - side) / 2, (height - side) / 2, side, side);
    }

    /**
     * The evaluation view of a decoded image as planar 8-bit RGB ({@code 3 x size x size}): what
     * training evaluated on, and what the server feeds a model for an image sent to it.
     */
    public static byte[] evaluationPixels(BufferedImage image, int size) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] planar = new float[3 * size * size];
        resample(
                ImageDecoder.rgb(image),
                width,
                height,
                centre(width, height),
                false,
                size,
                new float[] {1, 1, 1},
                new float[3],
                planar,
                0);
        byte[] out = new byte[planar.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.max(0, Math.min(255, Math.round(planar[i])));
        }
        return out;
    }

    /**
     * Resamples {@code box} of an interleaved RGB image ({@code 3 * width * height} bytes) to
     * {@code size x size} (bilinear, pixel centres aligned as PIL and torchvision do), mirrored
     * when {@code flip}, and writes it planar and normalised, {@code (v * scale[c] + shift[c])},
     * into {@code out} from {@code offset}.
     */
    static void resample(
            byte[] rgb,
            int width,
            int height,
            Box box,
            boolean flip,
            int size,
            float[] scale,
            float[] shift,
            float[] out,
            int offset) {
        int[] x0 = new int[size];
        int[] x1 = new int[size];
        float[] fx = new float[size];
        axis(box.x(), box.width(), width, size, x0, x1, fx);
        int[] y0 = new int[size];
        int[] y1 = new int[size];
        float[] fy = new float[size];
        axis(box.y(), box.height(), height, size, y0, y1, fy);
        int plane = size * size;
        int stride = 3 * width;
        for (int oy = 0; oy < size; oy++) {
            int r0 = y0[oy] * stride;
            int r1 = y1[oy] * stride;
            float wy = fy[oy];
            for (int ox = 0; ox < size; ox++) {
                int src = flip ? size - 1 - ox : ox;
                int a = 3 * x0[src];
                int b = 3 * x1[src];
                float wx = fx[src];
                int dst = offset + oy * size + ox;
                for (int c = 0; c < 3; c++) {
                    float top = (rgb[r0 + a + c] & 0xff) * (1 - wx) + (rgb[r0 + b + c] & 0xff) * wx;
                    float bottom = (rgb[r1 + a + c] & 0xff) * (1 - wx) + (rgb[r1 + b + c] & 0xff) * wx;
                    out[dst + c * plane] = (top + (bottom - top) * wy) * scale[c] + shift[c];
                }
            }
        }
    }

    /** Source sample positions along one axis: {@code start + (i + 0.5) * length / size - 0.5}, clamped. */
    private static void axis(double start, double length, int limit, int size, int[] lo, int[] hi, float[] frac) {
        double step = length / size;
        for (int i = 0; i < size; i++) {
            double s = start + (i + 0.5) * step - 0.5;
            s = Math.max(0, Math.min(limit - 1, s));
            int floor = (int) s;
            lo[i] = floor;
            hi[i] = Math.min(limit - 1, floor + 1);
            frac[i] = (float) (s - floor);
        }
    }
}
