package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialnet.FrozenFormats;
import io.dialnet.artifact.DynamicModelFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code dialnet serve} failures a user meets before any request. */
@Tag("engine")
class ServeCommandTest {
    /**
     * Issue 14: a port already in use was reported as "Address already in use" alone. The error
     * names the port and the option that changes it, with exit code 1 and no stack trace.
     */
    @Test
    void issue14APortInUseIsNamedWithTheOptionThatChangesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.execute(
                    new PrintWriter(out),
                    new PrintWriter(err),
                    "serve",
                    "--model",
                    FrozenFormats.artifact(DynamicModelFile.FORMAT).toString(),
                    "--port",
                    String.valueOf(port),
                    "--threads",
                    "1");
            assertThat(code).as(err.toString()).isEqualTo(Main.FAILED);
            assertThat(err.toString())
                    .contains("port " + port + " is already in use")
                    .contains("choose another with --port")
                    .doesNotContain("\tat ");
            assertThat(err.toString().lines()).hasSize(1);
            assertThat(out.toString()).doesNotContain("serving");
        }
    }

    /** Issue 12: serve takes ONNX Runtime's session set-up; a bad one is named with its option before loading. */
    @Test
    void issue12AnUnknownOrtSettingIsNamedWithItsOption() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "serve",
                "--model",
                FrozenFormats.artifact(DynamicModelFile.FORMAT).toString(),
                "--ort-settings",
                "spinning=maybe",
                "--threads",
                "1");
        assertThat(code).as(err.toString()).isNotZero();
        assertThat(err.toString())
                .contains("--ort-settings 'spinning=maybe'")
                .contains("expected on or off")
                .doesNotContain("\tat ");
        assertThat(out.toString()).doesNotContain("serving");
    }
}
