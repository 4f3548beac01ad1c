package io.dialnet.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dialnet.FrozenFormats;
import io.dialnet.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code manifest.json} read on its own, and refused by name when it is not one Dialnet writes. */
@Tag("fast")
class ManifestTest {
    static JsonNode frozenManifest() throws IOException {
        byte[] zip = Files.readAllBytes(FrozenFormats.artifact(DynamicModelFile.FORMAT));
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(DynamicModelFile.MANIFEST)) {
                    return Json.MAPPER.readTree(in.readAllBytes());
                }
            }
        }
        throw new IllegalStateException("no manifest in the frozen artifact");
    }

    /** The frozen manifest changed by {@code edit}, read and checked against an empty set of weights. */
    static Manifest read(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode m = (ObjectNode) frozenManifest();
        edit.accept(m);
        Manifest manifest = DynamicModelFile.manifest(Json.MAPPER.writeValueAsBytes(m), "m.json");
        DynamicModelFile.check(new DynamicModelFile(manifest, Map.of(), Map.of()), "m.json");
        return manifest;
    }

    @Test
    void theFrozenManifestReadsAsWritten() throws Exception {
        Manifest m = DynamicModelFile.manifest(Json.MAPPER.writeValueAsBytes(frozenManifest()), "frozen");
        assertThat(m.format()).isEqualTo(1);
        assertThat(m.model().architecture()).isEqualTo("cnn");
        assertThat(m.subnets()).extracting(Manifest.SubnetEntry::name).containsExactly("w1.00", "w0.50", "w0.25");
        assertThat(m.subnets().get(0).latency()).isNotEmpty();
    }

    /**
     * Issue 14, found by fuzzing {@code manifest.json}: a BatchNorm layer in a coupling set the
     * manifest does not have crashed the check with an IndexOutOfBoundsException (and {@code dialnet
     * serve} with it). Every such structural fault is one {@link ArtifactException} naming it.
     */
    @Test
    void issue14AManifestThatIsJsonButNotOneDialnetWritesIsRefusedNamingThePart() {
        assertThatThrownBy(() -> read(m -> ((ObjectNode) m.get("norms").get(0)).put("set", 5)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("m.json")
                .hasMessageContaining("BatchNorm conv1.bn in coupling set 5 of 3");
        assertThatThrownBy(() -> read(m -> m.remove("couplingSets")))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("has no couplingSets");
        assertThatThrownBy(() -> read(m -> m.remove("norms"))).hasMessageContaining("has no norms");
        assertThatThrownBy(() -> read(m -> m.remove("tensors"))).hasMessageContaining("has no tensors");
        assertThatThrownBy(() -> read(m -> m.remove("model"))).hasMessageContaining("has no model");
        assertThatThrownBy(
                        () -> read(m -> ((ArrayNode) m.get("subnets").get(1).get("channels")).set(0, (JsonNode) null)))
                .hasMessageContaining("gives subnet w0.50 no channel counts");
        assertThatThrownBy(() -> read(m -> ((ObjectNode) m.get("subnets").get(2)).put("name", "w1.00")))
                .hasMessageContaining("two subnets named w1.00");
        assertThatThrownBy(() -> read(m -> ((ArrayNode) m.get("subnets")).set(1, (JsonNode) null)))
                .hasMessageContaining("a subnet without a name");
        assertThatThrownBy(() -> read(m -> ((ArrayNode) m.get("couplingSets")).set(0, (JsonNode) null)))
                .hasMessageContaining("a coupling set without a name");
        assertThatThrownBy(() -> read(m -> ((ObjectNode) m.get("subnets").get(0))
                        .putArray("latency")
                        .addNull()))
                .hasMessageContaining("an empty latency record");
        assertThatThrownBy(() -> read(m -> m.putArray("subnets"))).hasMessageContaining("lists no subnets");
    }

    @Test
    void aSubnetWithoutLatencyIsOneNotYetMeasured() throws Exception {
        ObjectNode m = (ObjectNode) frozenManifest();
        ((ObjectNode) m.get("subnets").get(0)).remove("latency");
        Manifest manifest = DynamicModelFile.manifest(Json.MAPPER.writeValueAsBytes(m), "m.json");
        assertThat(manifest.subnets().get(0).latency()).isEmpty();
    }
}
