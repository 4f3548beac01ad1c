package io.dialnet.data;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns an {@link ImageDataset} into batches of normalised floats on a background thread, so that
 * decoding, augmentation and normalisation overlap the engine's compute.
 *
 * <p>Training epochs are shuffled and augmented from a seed derived from (seed, epoch) and drop
 * the last incomplete batch; the same seed and epoch give the same batches on any machine, which
 * is what makes a resumed run equal an uninterrupted one.
 *
 * <p>In-memory images ({@link ImageDataset}) are assembled on one thread. Image folders
 * ({@link ImageFolder}) are decoded on {@link FolderOptions#threads()} threads, at most
 * {@link #DECODING} batches at a time and {@link #PREFETCH} finished ones waiting, so memory holds
 * only the batches in flight; each image's crop and flip come from its own generator seeded by
 * (seed, epoch, position in the epoch), so the batches do not depend on which thread decoded what.
 * A skipped bad image leaves its batch one image short.
 */
public final class BatchLoader {
    /** Batches prepared ahead of the consumer. */
    static final int PREFETCH = 4;
    /** Folder batches being decoded at once (on top of the {@link #PREFETCH} finished ones). */
    static final int DECODING = 2;

    private final ImageSet data;
    private final Normalization normalization;

    public BatchLoader(ImageSet data, Normalization normalization) {
        if (normalization.mean().length != data.channels()) {
            throw new IllegalArgumentException(
                    "normalisation has " + normalization.mean().length + " channels, the data " + data.channels());
        }
        this.data = data;
        this.normalization = normalization;
    }

    public ImageSet data() {
        return data;
    }

    /** One shuffled, augmented pass over the data in full batches. */
    public Epoch training(int batchSize, Augmentation augmentation, long seed, int epoch) {
        checkBatchSize(batchSize);
        checkAugmentation(augmentation);
        long epochSeed = seed * 0x9E3779B97F4A7C15L + epoch;
        Random random = new Random(epochSeed);
        int[] order = Split.permutation(data.size(), random);
        return new Epoch(order, data.size() / batchSize, batchSize, augmentation, random, epochSeed);
    }

    /** Every image once, in order, without augmentation; the last batch may be smaller. */
    public Epoch ordered(int batchSize) {
        checkBatchSize(batchSize);
        int[] order = Split.permutation(data.size(), new Random(0));
        Arrays.sort(order);
        return new Epoch(order, (data.size() + batchSize - 1) / batchSize, batchSize, Augmentation.NONE, null, 0);
    }

    private void checkAugmentation(Augmentation augmentation) {
        if (data instanceof ImageFolder && augmentation.padding() > 0) {
            throw new IllegalArgumentException("folder images are cropped by RandomResizedCrop, not by a padded crop ("
                    + augmentation + "); this run's data recipe predates image folders at any size");
        }
        if (data instanceof ImageDataset && augmentation.resizedCrop()) {
            throw new IllegalArgumentException("RandomResizedCrop needs image files (folder:DIR), not " + data.width()
                    + "x" + data.height() + " images held in memory");
        }
    }

    private void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if ((long) batchSize * data.channels() * data.height() * data.width() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch of " + batchSize + " images of " + data.channels() + "x"
                    + data.height() + "x" + data.width() + " exceeds 2^31 floats; use a smaller --batch-size");
        }
        if (batchSize > data.size()) {
            throw new IllegalArgumentException(
                    "batch size " + batchSize + " exceeds the " + data.size() + " images of the data set");
        }
    }

    /** Batches of one pass; close it to stop the loader thread early. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private static final Object END = new Object();
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
        private final Thread worker;
        private final int batches;
        private int taken;

        Epoch(int[] order, int batches, int batchSize, Augmentation augmentation, Random random, long epochSeed) {
            this.batches = batches;
            Runnable producer = data instanceof ImageFolder folder
                    ? () -> produceFromFiles(folder, order, batchSize, augmentation, random != null, epochSeed)
                    : () -> produce(order, batchSize, augmentation, random);
            worker = new Thread(producer, "dialnet-loader");
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

        /**
         * Folder batches: every image a task on the decoding pool, {@link #DECODING} batches
         * submitted ahead, each handed over complete and in order.
         */
        private void produceFromFiles(
                ImageFolder folder,
                int[] order,
                int batchSize,
                Augmentation augmentation,
                boolean training,
                long epochSeed) {
            AtomicInteger threadNumber = new AtomicInteger();
            ExecutorService pool =
                    Executors.newFixedThreadPool(folder.decoder().options().threads(), r -> {
                        Thread t = new Thread(r, "dialnet-decoder-" + threadNumber.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            try {
                Deque<FolderBatch> decoding = new ArrayDeque<>();
                for (int b = 0; b < batches; b++) {
                    int from = b * batchSize;
                    int to = Math.min(order.length, from + batchSize);
                    decoding.add(new FolderBatch(folder, order, from, to, augmentation, training, epochSeed, pool));
                    if (decoding.size() >= DECODING) {
                        queue.put(decoding.poll().await());
                    }
                }
                while (!decoding.isEmpty()) {
                    queue.put(decoding.poll().await());
                }
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                queue.clear();
                queue.offer(e);
            } finally {
                pool.shutdownNow();
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

    private float[][] affine() {
        int c = data.channels();
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = (float) (1 / (255.0 * normalization.std()[ch]));
            shift[ch] = (float) (-normalization.mean()[ch] / normalization.std()[ch]);
        }
        return new float[][] {scale, shift};
    }

    /** The generator of one image's crop and flip: a pure function of (seed, epoch, position in the epoch). */
    static Random imageRandom(long epochSeed, int position) {
        return new Random(epochSeed ^ (0xBF58476D1CE4E5B9L * (position + 1L)));
    }

    /** One folder batch being decoded: one task per image, each writing its own slice of the floats. */
    private final class FolderBatch {
        private final ImageFolder folder;
        private final Augmentation augmentation;
        private final boolean training;
        private final long epochSeed;
        private final float[][] affine = affine();
        private final float[] out;
        private final int[] labels;
        private final boolean[] present;
        private final CompletableFuture<?>[] tasks;

        /** Starts decoding the images at positions {@code from..to-1} of {@code order} on {@code pool}. */
        FolderBatch(
                ImageFolder folder,
                int[] order,
                int from,
                int to,
                Augmentation augmentation,
                boolean training,
                long epochSeed,
                ExecutorService pool) {
            this.folder = folder;
            this.augmentation = augmentation;
            this.training = training;
            this.epochSeed = epochSeed;
            int n = to - from;
            int size = folder.imageSize();
            out = new float[n * 3 * size * size];
            labels = new int[n];
            present = new boolean[n];
            tasks = new CompletableFuture<?>[n];
            for (int i = 0; i < n; i++) {
                int slot = i;
                int image = order[from + i];
                labels[i] = folder.labels()[image];
                tasks[i] = CompletableFuture.runAsync(() -> decodeInto(slot, image, from + slot), pool);
            }
        }

        /**
         * Decodes {@code image}, crops it (for training with the random draws of its {@code position}
         * in the epoch) and writes its normalised floats at {@code slot}; a skipped bad image leaves
         * the slot absent.
         */
        private void decodeInto(int slot, int image, int position) {
            ImageDecoder.Decoded d = folder.decoder().decode(folder.file(image));
            if (d == null) {
                return;
            }
            Crops.Box box;
            boolean flip = false;
            if (training) {
                Random random = imageRandom(epochSeed, position);
                box = augmentation.resizedCrop()
                        ? Crops.randomResized(d.width(), d.height(), random)
                        : Crops.centre(d.width(), d.height());
                flip = augmentation.flip() && random.nextBoolean();
            } else {
                box = Crops.centre(d.width(), d.height());
            }
            int size = folder.imageSize();
            Crops.resample(
                    d.rgb(), d.width(), d.height(), box, flip, size, affine[0], affine[1], out, slot * 3 * size * size);
            present[slot] = true;
        }

        /** The finished batch, without the images that were skipped as bad. */
        Batch await() throws InterruptedException {
            try {
                CompletableFuture.allOf(tasks).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("decoding failed", cause);
            }
            int size = data.height();
            int imageFloats = 3 * size * size;
            int kept = 0;
            for (boolean p : present) {
                kept += p ? 1 : 0;
            }
            if (kept == labels.length) {
                return new Batch(out, labels, 3, size, size);
            }
            if (kept == 0) {
                throw new DataFormatException("every one of the " + labels.length
                        + " images of a batch was skipped as unreadable; is the folder full of bad files?");
            }
            float[] pixels = new float[kept * imageFloats];
            int[] keptLabels = new int[kept];
            for (int i = 0, k = 0; i < labels.length; i++) {
                if (present[i]) {
                    System.arraycopy(out, i * imageFloats, pixels, k * imageFloats, imageFloats);
                    keptLabels[k++] = labels[i];
                }
            }
            return new Batch(pixels, keptLabels, 3, size, size);
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
        byte[] pixels = ((ImageDataset) data).pixels();
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
                        out[dst + y * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w
                                ? black
                                : (pixels[src + sy * w + sx] & 0xff) * scale[ch] + shift[ch];
                    }
                }
            }
        }
        return new Batch(out, labels, c, h, w);
    }
}
