package io.dialnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Engines;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.runtime.DynamicModel;
import io.dialnet.train.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * libtorch writes its warnings to the process's stderr, past Java's streams: a child JVM runs
 * every path that writes into engine arrays, and its stderr is read.
 */
@Tag("engine")
class NativeWarningsTest {
    /**
     * libtorch's one line about the CPU, not about Dialnet: on CPUs its NNPACK does not know (AMD
     * Zen 5, family 26) the first small-batch inference convolution asks whether NNPACK is usable
     * and libtorch prints this once per process, with or without {@code DNNL_MAX_CPU_ISA}
     * (measured 2026-12-06 with a bare DJL conv2d). It changes nothing: PyTorch then uses its own
     * convolution.
     */
    private static final String NNPACK_UNSUPPORTED = "Could not initialize NNPACK! Reason: Unsupported hardware";

    /**
     * Issue 14: export, eval, {@code --resume}, {@code --init}, a search's permutation and the DJL
     * back end printed libtorch's "AutoNonVariableTypeMode is deprecated" warning, from
     * {@code NDArray.set(Buffer)}. They now copy with {@code Engines.copyInto/fill}.
     */
    @Test
    void issue14WritingIntoEngineArraysPrintsNoLibtorchWarning() throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dai.djl.offline=true",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=off",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Probe.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("probe done").doesNotContain("AutoNonVariableTypeMode");
        assertThat(output.lines()
                        .filter(l -> l.startsWith("[W"))
                        .filter(l -> !l.contains(NNPACK_UNSUPPORTED))
                        .toList())
                .as("libtorch warnings")
                .isEmpty();
    }

    /** Loads the frozen checkpoint and artifact every way Dialnet writes into engine arrays. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            Engines.start();
            Engines.setThreads(1);
            Path checkpoint = FrozenFormats.checkpoint(Checkpoint.FORMAT_VERSION);
            Checkpoint.RunInfo info = Checkpoint.manifest(checkpoint);
            try (NDManager manager = NDManager.newBaseManager();
                    SlimmableNetwork network = ModelZoo.create(info.spec(), manager, 1)) {
                Checkpoint.load(checkpoint, null, network, null); // export, eval, --resume
                Checkpoint.loadWeights(checkpoint, network); // --init, search --background
                CouplingSet first = network.couplingSets().stream()
                        .filter(CouplingSet::prunable)
                        .findFirst()
                        .orElseThrow();
                int[] order = new int[first.channels()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                order[0] = 1;
                order[1] = 0;
                network.permute(first, order); // a search's accepted subnet
            }
            try (DynamicModel model =
                    DynamicModel.load(FrozenFormats.artifact(1), DynamicModel.Backend.DJL, 1)) { // serve --backend djl
                List<String> names = model.subnets().stream().map(s -> s.name()).toList();
                model.predict(
                        new float
                                [model.manifest().model().inputSize()
                                        * model.manifest().model().inputSize()],
                        1,
                        names.get(0));
            }
            System.out.println("probe done");
        }
    }
}
