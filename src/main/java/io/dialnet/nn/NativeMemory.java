package io.dialnet.nn;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Keeps freed native tensor memory in the process instead of handing it back to the kernel.
 *
 * <p>glibc's malloc returns large freed blocks to the kernel (blocks above the mmap threshold,
 * and the top of a heap beyond the trim threshold). A training step frees and reallocates the
 * same activation-sized buffers (8 MB each for ResNet-20 at batch 128) dozens of times, so every
 * step faults tens of thousands of fresh zeroed pages back in. Raising the thresholds lets malloc
 * reuse those pages: on the 2-core machine of docs/BENCHMARKS.md page faults fell 8x and ResNet-20
 * training got about 9% faster (paired runs). PyTorch from Python does not gain from the same
 * settings, so this is about how the engine's buffers are recycled under the JVM's threads.
 *
 * <p>Applied once at engine start on Linux with glibc; set {@code -Ddialnet.mallocTuning=false}
 * to keep malloc's defaults (for comparisons), or glibc's own {@code MALLOC_*_} environment
 * variables, which then win.
 */
final class NativeMemory {
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;
    /** glibc refuses mmap thresholds above 32 MiB on 64-bit; larger tensors still come from mmap. */
    private static final int MMAP_THRESHOLD = 32 << 20;

    private static final int TRIM_THRESHOLD = 1 << 30;
    private static final int TOP_PAD = 64 << 20;

    private static boolean decided;
    private static boolean applied;

    private NativeMemory() {}

    /**
     * Raises malloc's thresholds; decided once per process (every engine call passes here), true
     * when they are in force.
     */
    static synchronized boolean tune() {
        if (decided) {
            return applied;
        }
        decided = true;
        if (!Boolean.parseBoolean(System.getProperty("dialnet.mallocTuning", "true"))
                || !Platform.isLinux()
                || System.getenv().keySet().stream().anyMatch(k -> k.startsWith("MALLOC_"))) {
            return false;
        }
        try {
            Function mallopt =
                    NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("mallopt");
            applied = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1
                    & mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, TRIM_THRESHOLD}) == 1
                    & mallopt.invokeInt(new Object[] {M_TOP_PAD, TOP_PAD}) == 1;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // not glibc (musl, for one): its allocator keeps its own policy
        }
        return applied;
    }
}
