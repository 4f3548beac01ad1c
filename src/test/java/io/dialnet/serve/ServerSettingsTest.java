package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialnet.data.ImageDecoder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link Server.Settings} built by name: the documented defaults, a required port, one check. */
@Tag("fast")
class ServerSettingsTest {
    @Test
    void theBuilderHoldsTheDocumentedDefaults() {
        Server.Settings s = Server.Settings.builder().setPort(8080).build();
        assertThat(s)
                .isEqualTo(new Server.Settings(
                        8080,
                        false,
                        1,
                        32,
                        16 << 20,
                        null,
                        16,
                        64,
                        4096,
                        1,
                        10_000,
                        60_000,
                        30_000,
                        30_000,
                        "model",
                        ImageDecoder.MAX_PIXELS,
                        0));
        assertThat(ImageDecoder.MAX_PIXELS).isEqualTo(89_478_485L);
    }

    @Test
    void everySettingIsNamedAndCheckedOnce() {
        Server.Settings s = Server.Settings.builder()
                .setPort(0)
                .optWorkers(3)
                .optMaxBatch(8)
                .optModelName("cnn")
                .optMaxImagePixels(1000)
                .build();
        assertThat(s.workers()).isEqualTo(3);
        assertThat(s.maxBatch()).isEqualTo(8);
        assertThat(s.modelName()).isEqualTo("cnn");
        assertThat(s.maxImagePixels()).isEqualTo(1000);
        assertThatThrownBy(() -> Server.Settings.builder().build()).hasMessageContaining("--port must be set");
        assertThatThrownBy(
                        () -> Server.Settings.builder().setPort(0).optWorkers(0).build())
                .hasMessage("--workers must be 1..256, got 0");
        assertThatThrownBy(() -> Server.Settings.builder()
                        .setPort(0)
                        .optMaxImagePixels(0)
                        .build())
                .hasMessageContaining("--max-image-pixels must be 1..");
    }
}
