package io.dialnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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

    static final Pattern PACKAGE = Pattern.compile("io\\.dialnet\\.([a-z]+)");

    /**
     * Issue 14: the layers as README.md ("Layout"), the root package-info.java and
     * docs/ARCHITECTURE.md ("Layers") state them are the ones checked here: each lists layer 1
     * to 6 in order, with exactly the packages of {@link #LAYERS}.
     */
    @Test
    void theDocumentedLayersAreTheCheckedOnes() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        readme = readme.substring(readme.indexOf("## Layout"));
        assertThat(layers(readme, Pattern.compile("(?m)^(\\d)\\. ((?:.*\\n)(?:   .*\\n)*)")))
                .as("README.md, Layout")
                .isEqualTo(LAYERS);
        String architecture = Files.readString(Path.of("docs/ARCHITECTURE.md"));
        assertThat(layers(architecture, Pattern.compile("(?m)^\\| ([1-9]) \\| (.*) \\|$")))
                .as("docs/ARCHITECTURE.md, Layers")
                .isEqualTo(LAYERS);
        String packageInfo = Files.readString(Path.of("src/main/java/io/dialnet/package-info.java"));
        Map<String, Integer> documented = new HashMap<>();
        Matcher item =
                Pattern.compile("<li>((?:(?!<li>|</ol>).)*)", Pattern.DOTALL).matcher(packageInfo);
        for (int layer = 1; item.find(); layer++) {
            Matcher p = PACKAGE.matcher(item.group(1));
            while (p.find()) {
                documented.put(p.group(1), layer);
            }
        }
        assertThat(documented).as("package-info.java of io.dialnet").isEqualTo(LAYERS);
    }

    /** Package to layer, from the lines {@code row} matches (group 1: the layer, group 2: its packages). */
    private static Map<String, Integer> layers(String text, Pattern row) {
        Map<String, Integer> out = new HashMap<>();
        Matcher m = row.matcher(text);
        while (m.find()) {
            Matcher p = PACKAGE.matcher(m.group(2));
            while (p.find()) {
                out.put(p.group(1), Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }
}
