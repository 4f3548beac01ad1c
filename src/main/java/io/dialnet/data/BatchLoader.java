package io.dialnet.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Turns an {@link ImageDataset} into batches of normalised floats on a background thread, so that
 * decoding, augmentation and normalisation overlap the engine's compute.
 *
 * <p>Training epochs are shuffled and augmented from a seed derived from (seed, epoch) and drop
 * the last incomplete batch; the same seed and epoch give the same batches on any machine, which
 * is what makes a resumed run equal an uninterrupted one.
 */
public final class BatchLoader {
    /** Batches prepared ahead of the consumer. */
    private static final int PREFETCH = 4;

    private final ImageDataset data;
    private final Normalization normalization;

    public BatchLoader(ImageDataset data, Normalization normalization) {
        if (normalization.mean().length != data.channels()) {
            throw new IllegalArgumentException("normalisation has " + normalization.mean().length
                    + " channels, the data " + data.channels());
        }
        this.data = data;
        this.normalization = normalization;
    }

    public ImageDataset data() {
        return data;
    }

    /** One shuffled, augmented pass over the data in full batches. */
    public Epoch training(int batchSize, Augmentation augmentation, long seed, int epoch) {
        checkBatchSize(batchSize);
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        int[] order = Split.permutation(data.size(), random);
        return new Epoch(order, data.size() / batchSize, batchSize, augmentation, random);
    }

    /** Every image once, in order, without augmentation; the last batch may be smaller. */
    public Epoch ordered(int batchSize) {
        checkBatchSize(batchSize);
        int[] order = Split.permutation(data.size(), new Random(0));
        java.util.Arrays.sort(order);
        return new Epoch(order, (data.size() + batchSize - 1) / batchSize, batchSize, Augmentation.NONE, null);
    }

    private void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (batchSize > data.size()) {
            throw new IllegalArgumentException("batch size " + batchSize + " exceeds the " + data.size()
                    + " images of the data set");
        }
    }

    /** Batches of one pass; close it to stop the loader thread early. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
        private final Thread worker;
        private final int batches;
        private int taken;

        Epoch(int[] order, int batches, int batchSize, Augmentation augmentation, Random random) {
            this.batches = batches;
            worker = new Thread(() -> produce(order, batchSize, augmentation, random), "dialnet-loader");
            worker.setDaemon(true);
            worker.start();
        }

        public int batches() {
            return batches;
        }

        private void produce(int[] order, int batchSize, Augmentation augmentation, Random random) {
            try {
                for (int b = 0; b < batches; b++) {
                    int from = b * batchSize;
                    int to = Math.min(order.length, from + batchSize);
                    queue.put(assemble(order, from, to, augmentation, random));
                }
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                queue.clear();
                queue.offer(e);
            }
        }

        @Override
        public boolean hasNext() {
            return taken < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            try {
                Object item = queue.take();
                if (item instanceof RuntimeException e) {
                    throw e;
                }
                taken++;
                return (Batch) item;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for data", e);
            }
        }

        @Override
        public void close() {
            worker.interrupt();
        }
    }

    private Batch assemble(int[] order, int from, int to, Augmentation augmentation, Random random) {
        int c = data.channels();
        int h = data.height();
        int w = data.width();
        int plane = h * w;
        float[] out = new float[(to - from) * c * plane];
        int[] labels = new int[to - from];
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = (float) (1 / (255.0 * normalization.std()[ch]));
            shift[ch] = (float) (-normalization.mean()[ch] / normalization.std()[ch]);
        }
        byte[] pixels = data.pixels();
        int pad = augmentation.padding();
        for (int i = 0; i < labels.length; i++) {
            int image = order[from + i];
            labels[i] = data.labels()[image];
            int dy = pad == 0 ? 0 : random.nextInt(2 * pad + 1) - pad;
            int dx = pad == 0 ? 0 : random.nextInt(2 * pad + 1) - pad;
            boolean flip = augmentation.flip() && random.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                int src = (image * c + ch) * plane;
                int dst = (i * c + ch) * plane;
                // Zero padding is zero *before* normalisation, i.e. the value of a black pixel.
                float black = shift[ch];
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (flip ? w - 1 - x : x) + dx;
                        out[dst + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? black
                                : (pixels[src + sy * w + sx] & 0xff) * scale[ch] + shift[ch];
                    }
                }
            }
        }
        return new Batch(out, labels, c, h, w);
    }
}
