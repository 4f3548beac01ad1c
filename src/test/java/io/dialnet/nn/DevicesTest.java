package io.dialnet.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --device} text into {@link Devices}, and its check against the engine (issue 15). */
class DevicesTest {
    @Tag("fast")
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "cpu|cpu",
                "CPU|cpu",
                " cpu |cpu",
                "gpu|gpu:0",
                "gpu:0|gpu:0",
                "gpu:3|gpu:3",
                "gpu:0,1|gpu:0,1",
                "gpu:1, 0|gpu:1,0",
                "GPU:2,5,7|gpu:2,5,7"
            })
    void parsesEveryAcceptedForm(String text, String canonical) {
        Devices d = Devices.parse(text, "--device");
        assertThat(d.toString()).isEqualTo(canonical);
        assertThat(Devices.parse(d.toString(), "--device")).isEqualTo(d);
    }

    @Tag("fast")
    @Test
    void primaryIsTheFirstAndSeveralGpusAreReplicas() {
        Devices d = Devices.parse("gpu:1,0", "--device");
        assertThat(d.primary()).isEqualTo(Device.gpu(1));
        assertThat(d.devices()).containsExactly(Device.gpu(1), Device.gpu(0));
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.isGpu()).isTrue();
        assertThat(Devices.CPU.isGpu()).isFalse();
        assertThat(Devices.CPU.devices()).containsExactly(Device.cpu());
    }

    @Tag("fast")
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|expected cpu, gpu, gpu:N", "tpu|expected cpu, gpu, gpu:N", "cpu:1|expected cpu, gpu, gpu:N",
                "gpu:|expected cpu, gpu, gpu:N", "cuda:0|expected cpu, gpu, gpu:N", "gpu:a|'a' is not a GPU index",
                "gpu:0,|'' is not a GPU index", "gpu:-1|GPU index -1 is negative", "gpu:0,0|GPU 0 is listed twice",
                "gpu:1.5|'1.5' is not a GPU index"
            })
    void rejectsBadTextWithOneLineNamingTheOption(String text, String why) {
        assertThatThrownBy(() -> Devices.parse(text, "--device"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--device " + text + ": ")
                .hasMessageContaining(why)
                .hasMessageNotContaining("\n");
    }

    @Tag("fast")
    @Test
    void anEmptyListIsRejected() {
        assertThatThrownBy(() -> new Devices(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Tag("engine")
    @Test
    void aGpuRequestWithoutAGpuNamesTheOptionAndTheBuild() {
        Engine engine = Engines.start();
        Assumptions.assumeFalse(
                engine.hasCapability(StandardCapabilities.CUDA) && engine.getGpuCount() > 0, "this engine sees a GPU");
        assertThat(Devices.CPU.requireAvailable("--device")).isEqualTo(Devices.CPU);
        assertThatThrownBy(() -> Devices.parse("gpu", "--device").requireAvailable("--device"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--device gpu:0: no GPU visible to the engine")
                .hasMessageContaining(Engines.bundledCudaFlavor() == null ? "DIALNET_GPU=1" : "CUDA")
                .hasMessageNotContaining("\n");
    }
}
