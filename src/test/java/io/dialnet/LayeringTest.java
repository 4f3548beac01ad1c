package io.dialnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layout is the pipeline: a package may use only packages of a lower layer (and the
 * root's small helpers). Packages on the same layer stay independent of each other.
 */
class LayeringTest {
    /** Layer of each package under io.dialnet; the root package is layer 0. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("data", 1),
            Map.entry("nn", 1),
            Map.entry("train", 2),
            Map.entry("artifact", 2),
            Map.entry("export", 2),
            Map.entry("search", 3),
            Map.entry("runtime", 3),
            Map.entry("interop", 3),
            Map.entry("serve", 4),
            Map.entry("report", 4),
            Map.entry("deploy", 4),
            Map.entry("experiment", 5),
            Map.entry("bench", 5),
            Map.entry("cli", 6));

    static final Pattern USE = Pattern.compile("\\bio\\.dialnet\\.([a-z]+)\\.");

    @Test
    void lowerLayersNeverUseHigherOnes() throws IOException {
        Path root = Path.of("src/main/java/io/dialnet");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = root.relativize(file);
                if (relative.getNameCount() == 1) {
                    continue; // the root package: see theRootHelpersUseNoPipelinePackage
                }
                String own = relative.getName(0).toString();
                assertThat(LAYERS).as("layer of package %s", own).containsKey(own);
                String text = Files.readString(file);
                Matcher m = USE.matcher(text);
                while (m.find()) {
                    String used = m.group(1);
                    if (used.equals(own) || !LAYERS.containsKey(used)) {
                        continue; // its own package (nn.zoo counts as nn) or a resource path such as io/dialnet/demo
                    }
                    if (LAYERS.get(used) >= LAYERS.get(own)) {
                        violations.add(relative + " uses io.dialnet." + used);
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theRootHelpersUseNoPipelinePackage() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/java/io/dialnet"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                assertThat(USE.matcher(Files.readString(file)).find())
                        .as(file.toString())
                        .isFalse();
            }
        }
    }
}
