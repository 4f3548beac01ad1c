package io.dialnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 12: the channel multiple follows the CPU's vector width, read from its flags. */
class SimdBlockTest {
    @Test
    void theWidestVectorExtensionSetsTheBlock() {
        assertThat(SimdBlock.of("amd64", Set.of("sse2", "avx", "avx2", "fma", "avx512f"))
                        .floats())
                .isEqualTo(16);
        assertThat(SimdBlock.of("amd64", Set.of("sse2", "avx", "avx2", "fma"))).isEqualTo(new SimdBlock("avx2", 8));
        assertThat(SimdBlock.of("amd64", Set.of("sse2", "avx")).floats()).isEqualTo(8);
        assertThat(SimdBlock.of("aarch64", Set.of("fp", "asimd"))).isEqualTo(new SimdBlock("neon", 4));
        assertThat(SimdBlock.of("amd64", Set.of("sse2")).floats()).isEqualTo(4);
    }

    @Test
    void thisMachineHasABlock() {
        assertThat(SimdBlock.detect().floats()).isIn(4, 8, 16);
    }
}
