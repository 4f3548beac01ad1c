package io.dialnet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
    @Test
    void onlyLoopbackTargetsAndBoundedLoadsAreAccepted() throws Exception {
        URI local = URI.create("http://127.0.0.1:8080");
        assertThat(LoadGenerator.checked(local, List.of(20, 50), 10, null, 3072, false, 0)
                        .rates())
                .containsExactly(20, 50);
        assertThatThrownBy(() ->
                        LoadGenerator.checked(URI.create("http://192.0.2.1:8080"), List.of(20), 10, null, 1, false, 0))
                .hasMessageContaining("only targets this machine's loopback");
        assertThatThrownBy(() -> LoadGenerator.checked(local, List.of(20), 121, null, 1, false, 0))
                .hasMessageContaining("--seconds must be 1..120");
        assertThatThrownBy(() -> LoadGenerator.checked(local, List.of(0), 10, null, 1, false, 0))
                .hasMessageContaining("rates 1..10000");
    }

    @Test
    void aRowIsOneLineUnderTheHeader() {
        LoadGenerator.Row row = new LoadGenerator.Row(50, 49.5, 1.234, 5.678, 495, 3, 2, 1, Map.of("w1.00", 495));
        assertThat(LoadGenerator.HEADER).startsWith(" offered   served/s").endsWith("subnet mix");
        assertThat(row.line())
                .isEqualTo(
                        "      50       49.5      1.23      5.68       495        3        2  {w1.00=495}  (1 failed)");
    }
}
