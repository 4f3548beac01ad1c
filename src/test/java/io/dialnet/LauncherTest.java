package io.dialnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./dialnet} launcher script. */
@Tag("fast")
class LauncherTest {
    private static final String ESC = "\u001b";

    @TempDir
    Path dir;

    /**
     * Issue 14: the launcher's build printed terminal escapes ({@code ESC[0m}, from Maven's console
     * library) into a user's output. The launcher, run where the jar is missing, must hand Maven
     * batch mode, no colour and jansi's no-reset switch; stand-ins for {@code mvn} and {@code java}
     * record what they get.
     */
    @Test
    void issue14TheLaunchersBuildAsksMavenForPlainOutput() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.copy(Path.of("dialnet"), repo.resolve("dialnet"));
        Files.createDirectories(repo.resolve("src/main"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path record = dir.resolve("mvn.txt");
        script(
                bin.resolve("mvn"),
                "echo \"args: $*\" > '" + record + "'\necho \"MAVEN_OPTS: $MAVEN_OPTS\" >> '" + record + "'\n"
                        + "mkdir -p target && touch target/dialnet.jar\n");
        script(bin.resolve("java"), "echo \"java $*\"\n");
        ProcessBuilder withStandIns = new ProcessBuilder(
                        "/bin/bash", repo.resolve("dialnet").toString(), "--version")
                .redirectErrorStream(true)
                .directory(dir.toFile());
        Map<String, String> env = withStandIns.environment();
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = withStandIns.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        String mvn = Files.readString(record);
        assertThat(mvn).contains("-B").contains("-q").contains("-Dstyle.color=never");
        assertThat(mvn).contains("MAVEN_OPTS:").contains("-Djansi.noreset=true");
        assertThat(output).contains("java ").contains("--version").doesNotContain(ESC);
    }

    /**
     * The real Maven, where one is installed, prints no escape with the launcher's settings (Maven
     * 3.8 with jansi 2 writes {@code ESC[0m} even in batch mode without {@code jansi.noreset}).
     */
    @Test
    void issue14MavenWithTheLaunchersSettingsPrintsNoEscapes() throws Exception {
        Path mvn = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .map(d -> Path.of(d, "mvn"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(mvn != null, "no mvn on the PATH");
        ProcessBuilder pb = new ProcessBuilder(mvn.toString(), "-B", "-q", "-Dstyle.color=never", "-v")
                .redirectErrorStream(true)
                .directory(dir.toFile());
        pb.environment().put("MAVEN_OPTS", "-Djansi.noreset=true");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(output).isNotBlank().doesNotContain(ESC);
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
