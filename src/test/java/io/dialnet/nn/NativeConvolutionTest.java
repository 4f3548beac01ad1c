package io.dialnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The native convolution agrees with a plain-Java reference at every channel count a slimmable
 * network's subnets use, in both layouts, and the quick check run at engine start covers every
 * case found wrong on a Zen 5 machine (see {@link ConvolutionCheck}).
 */
@Tag("engine")
class NativeConvolutionTest {
    @Test
    void convolutionMatchesTheReferenceAtEverySubnetWidth() {
        Engines.start();
        assertThat(ConvolutionCheck.wrong(ConvolutionCheck.fullGrid()))
                .as("convolutions off the reference")
                .isEmpty();
    }

    @Test
    void theEngineStartCheckCoversEveryWidthFoundWrong() {
        assertThat(ConvolutionCheck.QUICK)
                .anyMatch(c -> c.in() == 12 && c.kernel() == 3 && !c.channelsLast()) // under DNNL_MAX_CPU_ISA=AVX2
                .anyMatch(c -> c.in() == 20 && c.kernel() == 3 && !c.channelsLast())
                .anyMatch(c -> c.in() == 24 && c.kernel() == 3 && !c.channelsLast())
                .anyMatch(c -> c.in() == 28 && c.kernel() == 3 && !c.channelsLast())
                .anyMatch(c -> c.in() == 40 && c.kernel() == 3 && !c.channelsLast())
                .anyMatch(c -> c.out() == 40 && c.kernel() == 1 && c.channelsLast());
    }

    @Test
    void aWrongEngineIsReportedWithTheCpuTheCasesAndTheFix() {
        assertThat(ConvolutionCheck.failure(List.of("20->16 3x3 stride 1 NCHW: 11.6"), "AMD EPYC, family 26", null)
                        .getMessage())
                .contains("AMD EPYC, family 26")
                .contains("20->16 3x3 stride 1 NCHW: 11.6")
                .contains("set DNNL_MAX_CPU_ISA=SSE41");
        assertThat(ConvolutionCheck.failure(List.of("x"), "cpu", "AVX2").getMessage())
                .contains("DNNL_MAX_CPU_ISA=AVX2 does not help here; try DNNL_MAX_CPU_ISA=SSE41");
        assertThat(ConvolutionCheck.failure(List.of("x"), "cpu", "SSE41").getMessage())
                .contains("even under DNNL_MAX_CPU_ISA=SSE41: no cap known helps here");
    }
}
