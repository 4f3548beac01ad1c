package io.dialnet.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process whose engine is wrong uncapped caps oneDNN itself and runs right, whoever started it (the
 * CLI, a library caller, a test JVM); the verdict comes from a child process once per machine and is
 * then cached. Each case runs a fresh JVM without {@code DNNL_MAX_CPU_ISA}, since oneDNN keeps the
 * first cap it sees for the life of a process.
 */
@Tag("engine")
class EngineCapTest {
    @Test
    void anUncappedCommandRunsToItsEndOnAnyCpuAndCachesTheVerdict(@TempDir Path cache) throws Exception {
        String output = info(cache, Map.of());
        assertThat(output).contains("MACs").doesNotContain("failed");
        if (output.contains("computes wrong convolutions")) { // a CPU whose engine is wrong uncapped (Zen 5)
            assertThat(output).contains("capped at DNNL_MAX_CPU_ISA=SSE41 in this process");
        }
        try (Stream<Path> files = Files.list(cache)) {
            List<Path> verdicts = files.filter(f -> f.getFileName().toString().startsWith("engine-check-"))
                    .toList();
            assertThat(verdicts).hasSize(1);
            assertThat(UncappedCheck.parse(Files.readAllLines(verdicts.get(0)))).isPresent();
        }
    }

    @Test
    void aMachineKnownWrongUncappedIsCappedBeforeTheFirstConvolution(@TempDir Path cache) throws Exception {
        String libtorch = Engine.getEngine(Engines.ENGINE).getVersion();
        UncappedCheck.rememberWrong(cache, libtorch, List.of("12->16 3x3 stride 1 NCHW: 9.9 (pretended)"));
        String output = info(cache, Map.of("ONEDNN_VERBOSE", "1"));
        assertThat(output)
                .contains("MACs")
                .contains("12->16 3x3 stride 1 NCHW: 9.9 (pretended)")
                .contains("capped at DNNL_MAX_CPU_ISA=SSE41 in this process")
                // oneDNN's own word on the instruction set it runs: the cap held
                .containsPattern("onednn_verbose.*isa:Intel SSE4\\.1")
                .doesNotContainPattern("onednn_verbose.*isa:Intel AVX");
    }

    /** {@code dialnet info} in a new JVM without a oneDNN cap, with its cache in {@code cache}; its output. */
    private static String info(Path cache, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-Ddialnet.cacheDir=" + cache,
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.dialnet.cli.Main",
                        "info",
                        "--model",
                        "cnn",
                        "--width",
                        "0.5")
                .redirectErrorStream(true);
        builder.environment().remove(ConvolutionCheck.ISA_CAP_VARIABLE);
        builder.environment().putAll(environment);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // its output is read to the end, so it has finished: its exit code, not how long it took
        assertThat(p.waitFor()).as(output).isZero();
        return output;
    }
}
