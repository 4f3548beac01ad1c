package io.dialnet;

import ai.djl.engine.Engine;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How and where a result was produced, under fixed key names, so every checkpoint, log and bench
 * result can say which code, engine, machine and thread count made it.
 */
public final class Provenance {
    public static final String DIALNET_VERSION = "dialnet.version";
    public static final String DJL_VERSION = "djl.version";
    public static final String ENGINE = "engine";
    public static final String JAVA = "java.version";
    public static final String OS = "os";
    public static final String ARCH = "arch";
    public static final String CPUS = "cpus";
    public static final String THREADS = "threads";
    /** The CPU's vector extension and width, which sets the default channel group. */
    public static final String SIMD = "simd";

    public static final String CREATED = "created";

    private Provenance() {}

    /** The current process's provenance, with the engine's intra-op {@code threads}. */
    public static Map<String, String> current(int threads) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(DIALNET_VERSION, version());
        // DJL's own record of its version: the GPU build runs DJL 0.33.0, the CPU build 0.34.0
        p.put(DJL_VERSION, Engine.getDjlVersion());
        p.put(ENGINE, "PyTorch");
        p.put(JAVA, System.getProperty("java.version"));
        p.put(OS, System.getProperty("os.name") + " " + System.getProperty("os.version"));
        p.put(ARCH, System.getProperty("os.arch"));
        p.put(CPUS, Integer.toString(Runtime.getRuntime().availableProcessors()));
        p.put(THREADS, Integer.toString(threads));
        p.put(SIMD, SimdBlock.detect().toString());
        p.put(CREATED, Instant.now().toString());
        return p;
    }

    public static String version() {
        return packageVersion(Provenance.class, "dev");
    }

    private static String packageVersion(Class<?> type, String fallback) {
        String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return v == null ? fallback : v;
    }
}
