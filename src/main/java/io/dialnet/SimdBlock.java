package io.dialnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * This CPU's vector width in fp32 lanes: the channel multiple at which convolution kernels run
 * whole vectors. ONNX Runtime's NCHWc layout and MLAS kernels block channels by 8 floats on AVX2
 * and 16 on AVX-512 (docs/BENCHMARKS.md: 4/8/16- and 12/24/48-channel subnets ran at 14 and 47
 * GMAC/s where the full ResNet-20 ran at 66); channel groups of this size keep every subnet on
 * the fast path. Detected from the CPU's flags, never assumed.
 *
 * @param isa the widest vector extension found
 * @param floats fp32 lanes per vector register
 */
public record SimdBlock(String isa, int floats) {

    /** The block of the CPU this process runs on. */
    public static SimdBlock detect() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        try {
            String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags") || l.startsWith("Features"))
                    .findFirst()
                    .orElse("");
            return of(
                    arch,
                    Arrays.stream(flags.substring(flags.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toSet()));
        } catch (IOException | RuntimeException e) {
            return of(arch, Set.of()); // not Linux: the architecture's baseline
        }
    }

    /** The block for an architecture and its CPU flags. */
    static SimdBlock of(String arch, Set<String> flags) {
        if (flags.contains("avx512f")) {
            return new SimdBlock("avx512", 16);
        }
        if (flags.contains("avx2") || flags.contains("avx")) {
            return new SimdBlock(flags.contains("avx2") ? "avx2" : "avx", 8);
        }
        if (arch.contains("aarch64") || arch.contains("arm")) {
            return new SimdBlock("neon", 4);
        }
        return new SimdBlock("sse", 4);
    }

    @Override
    public String toString() {
        return isa + " (" + floats + " fp32 lanes)";
    }
}
