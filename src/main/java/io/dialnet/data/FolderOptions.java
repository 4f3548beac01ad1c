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
 */
public record FolderOptions(int threads, boolean skipBadImages, long cacheBytes, Consumer<String> log) {
    /** Half the cores decode, at least one and at most 8; strict; no cache; silent. */
    public static final FolderOptions DEFAULT = new FolderOptions(defaultThreads(), false, 0, line -> {});

    public FolderOptions {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--loader-threads must be 1..256, got " + threads);
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("--decode-cache-mb must be >= 0, got " + cacheBytes / (1 << 20));
        }
        log = log == null ? line -> {} : log;
    }

    public static int defaultThreads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
    }
}
