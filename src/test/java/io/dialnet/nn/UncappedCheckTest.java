package io.dialnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child's verdict is read only when it finished, and cached under a name only this CPU and libtorch give. */
@Tag("fast")
class UncappedCheckTest {
    private static final List<String> CPU = List.of(
            "processor\t: 0",
            "vendor_id\t: AuthenticAMD",
            "cpu family\t: 26",
            "model\t\t: 2",
            "model name\t: AMD EPYC",
            "stepping\t: 1",
            "microcode\t: 0xb002116",
            "cpu MHz\t\t: 2400.000",
            "flags\t\t: fpu sse4_1 avx2 avx512f",
            "",
            "processor\t: 1",
            "cpu MHz\t\t: 3100.000");

    @Test
    void aChildThatDidNotFinishSaysNothing() {
        assertThat(UncappedCheck.parse(List.of())).isEmpty();
        assertThat(UncappedCheck.parse(List.of("wrong: 20->16 3x3 stride 1 NCHW: 11.6")))
                .isEmpty();
        assertThat(UncappedCheck.parse(List.of("checked"))).contains(List.of());
        assertThat(UncappedCheck.parse(
                        List.of("some engine log", "wrong: 20->16 3x3 stride 1 NCHW: 11.6", "checked", "")))
                .contains(List.of("20->16 3x3 stride 1 NCHW: 11.6"));
    }

    @Test
    void theFingerprintNamesTheCpuAndLibtorchNotItsClockOrOtherCores() {
        String base = UncappedCheck.fingerprint(CPU, "2.7.1");
        assertThat(base).hasSize(16);
        assertThat(UncappedCheck.fingerprint(replace("cpu MHz\t\t: 2400.000", "cpu MHz\t\t: 1500.000"), "2.7.1"))
                .isEqualTo(base);
        assertThat(UncappedCheck.fingerprint(CPU.subList(0, 9), "2.7.1")).isEqualTo(base);
        assertThat(UncappedCheck.fingerprint(CPU, "2.8.0")).isNotEqualTo(base);
        assertThat(UncappedCheck.fingerprint(replace("microcode\t: 0xb002116", "microcode\t: 0xb002200"), "2.7.1"))
                .isNotEqualTo(base);
        assertThat(UncappedCheck.fingerprint(
                        replace("flags\t\t: fpu sse4_1 avx2 avx512f", "flags\t\t: fpu sse4_1 avx2"), "2.7.1"))
                .isNotEqualTo(base);
    }

    @Test
    void aRememberedVerdictIsReadBackWithoutAChild(@TempDir Path cache) throws Exception {
        UncappedCheck.rememberWrong(cache, "0.0-test", List.of("20->16 3x3 stride 1 NCHW: 11.6"));
        try (var files = Files.list(cache)) {
            assertThat(files.toList())
                    .singleElement()
                    .satisfies(f -> assertThat(f.getFileName().toString())
                            .startsWith("engine-check-")
                            .endsWith(".txt"));
        }
        // a child would find this machine's engine right (or wrong at other cases): only the cache says this
        assertThat(UncappedCheck.wrongCases(cache, "0.0-test")).contains(List.of("20->16 3x3 stride 1 NCHW: 11.6"));
    }

    private static List<String> replace(String line, String with) {
        return CPU.stream().map(l -> l.equals(line) ? with : l).toList();
    }
}
