package io.dialnet.data;

import java.util.Arrays;

/**
 * Per-channel normalisation {@code (x / 255 - mean) / std}, with statistics computed from the
 * training images so every data set is treated alike.
 */
public record Normalization(double[] mean, double[] std) {

    public Normalization {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std need one value per channel");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be > 0, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** torchvision's ImageNet statistics, which pretrained ImageNet models expect. */
    public static final Normalization IMAGENET =
            new Normalization(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

    /**
     * The statistics of {@code data}: computed from images held in memory; for image folders,
     * {@link #IMAGENET}, as torchvision's recipe uses (no pass over every file before training).
     */
    public static Normalization of(ImageSet data) {
        return data instanceof ImageDataset d ? of(d) : IMAGENET;
    }

    /** Per-channel mean and standard deviation of every pixel of {@code data}. */
    public static Normalization of(ImageDataset data) {
        int c = data.channels();
        int plane = data.height() * data.width();
        double[] sum = new double[c];
        double[] sq = new double[c];
        byte[] p = data.pixels();
        for (int img = 0; img < data.size(); img++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (img * c + ch) * plane;
                long s = 0;
                long s2 = 0;
                for (int i = 0; i < plane; i++) {
                    int v = p[base + i] & 0xff;
                    s += v;
                    s2 += (long) v * v;
                }
                sum[ch] += s;
                sq[ch] += s2;
            }
        }
        double n = (double) data.size() * plane;
        double[] mean = new double[c];
        double[] std = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = sum[ch] / n / 255.0;
            std[ch] = Math.sqrt(Math.max(sq[ch] / n / 65025.0 - mean[ch] * mean[ch], 1e-12));
        }
        return new Normalization(mean, std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
