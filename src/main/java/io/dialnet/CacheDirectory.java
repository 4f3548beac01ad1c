package io.dialnet;

import java.nio.file.Path;

/**
 * Where Dialnet keeps what it measured about this machine (latencies, the engine check's verdict), so
 * that later processes need not measure again: {@code -Ddialnet.cacheDir}, else
 * {@code $XDG_CACHE_HOME/dialnet}, else {@code ~/.cache/dialnet}. Everything in it can be deleted.
 */
public final class CacheDirectory {
    private CacheDirectory() {}

    /** The cache directory of this process (not created here). */
    public static Path get() {
        String own = System.getProperty("dialnet.cacheDir");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("dialnet");
    }
}
