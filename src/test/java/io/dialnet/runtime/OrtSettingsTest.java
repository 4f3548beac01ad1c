package io.dialnet.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OrtSettingsTest {
    @Test
    void parsesKeyValuePairsOverServingDefaults() {
        assertThat(OrtSettings.parse("level=all")).isEqualTo(OrtSettings.SERVING);
        OrtSettings s = OrtSettings.parse("level=extended, nchwc=off,spinning=on");
        assertThat(s).isEqualTo(new OrtSettings("extended", false, OrtSettings.SERVING.arena(), true));
        assertThat(OrtSettings.parse(s.toString())).isEqualTo(s);
    }

    @Test
    void badSettingsNameTheProblem() {
        assertThatThrownBy(() -> OrtSettings.parse("level=fast")).hasMessageContaining("'fast'");
        assertThatThrownBy(() -> OrtSettings.parse("threads=4"))
                .hasMessageContaining("unknown ONNX Runtime setting 'threads'");
        assertThatThrownBy(() -> OrtSettings.parse("arena=maybe")).hasMessageContaining("arena=maybe");
        assertThatThrownBy(() -> OrtSettings.parse("nchwc")).hasMessageContaining("not key=value");
    }
}
