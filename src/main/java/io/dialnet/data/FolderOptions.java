package io.dialnet.data;

import java.util.function.Consumer;

/**
 * How an image folder is read: how many threads decode, whether unreadable images stop the run or
 * are skipped and counted, how many bytes of decoded images may be kept between epochs, and where
 * progress and skip notices go.
 *
 * @param threads decoding threads (at least 1)
 * @param skipBadImages skip (and count) unreadable or truncated images instead of failing
 * @param cacheBytes decoded images kept in memory for later epochs, in bytes (0 = none); images
 *     are cached as they are first decoded until the budget is spent
 * @param log receives progress while indexing and one line per skipped image
 * @param maxImagePixels an image whose header claims more pixels is bad (refused before decoding,
 *     or skipped); {@link ImageDecoder#MAX_PIXELS} by default
 */
public record FolderOptions(
        int threads, boolean skipBadImages, long cacheBytes, Consumer<String> log, long maxImagePixels) {
    /** Half the cores decode, at least one and at most 8; strict; no cache; silent. */
    public static final FolderOptions DEFAULT = new FolderOptions(defaultThreads(), false, 0, line -> {});

    public FolderOptions {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--loader-threads must be 1..256, got " + threads);
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("--decode-cache-mb must be >= 0, got " + cacheBytes / (1 << 20));
        }
        if (maxImagePixels < 1 || maxImagePixels > ImageDecoder.PIXELS_LIMIT) {
            throw new IllegalArgumentException(
                    "the largest image must be 1.." + ImageDecoder.PIXELS_LIMIT + " pixels, got " + maxImagePixels);
        }
        log = log == null ? line -> {} : log;
    }

    /** As the canonical constructor, with images up to {@link ImageDecoder#MAX_PIXELS} pixels. */
    public FolderOptions(int threads, boolean skipBadImages, long cacheBytes, Consumer<String> log) {
        this(threads, skipBadImages, cacheBytes, log, ImageDecoder.MAX_PIXELS);
    }

    /** These options with images of up to {@code pixels} pixels decoded. */
    public FolderOptions withMaxImagePixels(long pixels) {
        return new FolderOptions(threads, skipBadImages, cacheBytes, log, pixels);
    }

    public static int defaultThreads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
    }
}
