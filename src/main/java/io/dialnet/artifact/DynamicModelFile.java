package io.dialnet.artifact;

import io.dialnet.AtomicFiles;
import io.dialnet.FormatVersions;
import io.dialnet.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The dynamic-model artifact: one zip holding {@code manifest.json}, {@code weights.safetensors}
 * (shared weights in rank order, then each subnet's BatchNorm state under
 * {@code subnet/NAME/LAYER.mean|var|gamma|beta}) and optionally {@code onnx/NAME.onnx}, a compact
 * graph per subnet. Written atomically; on load every part is checked, so a missing entry, a
 * wrong shape, a plan that does not nest or a newer format is one clear error.
 *
 * @param manifest the description
 * @param tensors shared weights and per-subnet BatchNorm state
 * @param onnx compact ONNX graphs by subnet name (may be empty)
 */
public record DynamicModelFile(Manifest manifest, Map<String, Tensor> tensors, Map<String, byte[]> onnx) {
    /** The format version written. */
    public static final int FORMAT = 1;
    /** The versions read: older ones are retired. */
    public static final FormatVersions VERSIONS = new FormatVersions(1, FORMAT);

    public static final String MANIFEST = "manifest.json";
    public static final String WEIGHTS = "weights.safetensors";
    public static final String ONNX_DIR = "onnx/";

    /** Name of a subnet's BatchNorm tensor: {@code subnet/NAME/LAYER.KIND}. */
    public static String normTensor(String subnet, String norm, String kind) {
        return "subnet/" + subnet + "/" + norm + "." + kind;
    }

    public void write(Path file) throws ArtifactException {
        check(this, file.toString());
        try {
            byte[] manifestBytes = Json.PRETTY.writeValueAsBytes(manifest);
            byte[] weights = SafeTensors.encode(tensors);
            AtomicFiles.write(file, out -> {
                try (ZipOutputStream zip = new ZipOutputStream(out)) {
                    put(zip, MANIFEST, manifestBytes);
                    put(zip, WEIGHTS, weights);
                    for (Map.Entry<String, byte[]> e : onnx.entrySet()) {
                        put(zip, ONNX_DIR + e.getKey() + ".onnx", e.getValue());
                    }
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new ArtifactException(file + ": cannot be written: " + e.getMessage());
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Reads and checks {@code file}. */
    public static DynamicModelFile read(Path file) throws ArtifactException {
        if (!Files.isRegularFile(file)) {
            throw new ArtifactException(file + ": no such file");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException | IllegalArgumentException e) {
            // ZipInputStream reports a malformed entry name with IllegalArgumentException
            throw new ArtifactException(file + ": corrupt or truncated (" + e.getMessage() + ")");
        }
        byte[] manifestBytes = entries.get(MANIFEST);
        if (manifestBytes == null) {
            throw new ArtifactException(file + ": no " + MANIFEST + " entry; not a Dialnet model or truncated");
        }
        Manifest manifest = manifest(manifestBytes, file.toString());
        byte[] weights = entries.get(WEIGHTS);
        if (weights == null) {
            throw new ArtifactException(file + ": no " + WEIGHTS + " entry");
        }
        Map<String, Tensor> tensors = SafeTensors.decode(weights, file + "!" + WEIGHTS);
        Map<String, byte[]> onnx = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> {
            if (name.startsWith(ONNX_DIR) && name.endsWith(".onnx")) {
                onnx.put(name.substring(ONNX_DIR.length(), name.length() - 5), bytes);
            }
        });
        DynamicModelFile model = new DynamicModelFile(manifest, tensors, onnx);
        check(model, file.toString());
        return model;
    }

    /**
     * Reads {@code manifest.json} from {@code bytes}: its format version first (a newer or retired
     * one is refused by number), then the fields; {@code where} names the file in errors.
     */
    public static Manifest manifest(byte[] bytes, String where) throws ArtifactException {
        try {
            String problem =
                    VERSIONS.problem(Json.MAPPER.readTree(bytes).path("format").asInt(-1));
            if (problem != null) {
                throw new ArtifactException(where + ": " + MANIFEST + " " + problem);
            }
            return Json.MAPPER.readValue(bytes, Manifest.class);
        } catch (IOException e) {
            throw new ArtifactException(where + ": " + MANIFEST + " is invalid: " + e.getMessage());
        }
    }

    /** Every consistency rule of the format; {@code where} names the file in errors. */
    static void check(DynamicModelFile model, String where) throws ArtifactException {
        Manifest m = model.manifest();
        complete(m, where);
        for (Map.Entry<String, long[]> e : m.tensors().entrySet()) {
            Tensor t = model.tensors().get(e.getKey());
            if (t == null) {
                throw new ArtifactException(where + ": tensor " + e.getKey() + " is missing from " + WEIGHTS);
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new ArtifactException(where + ": tensor " + e.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + ", the manifest says " + Arrays.toString(e.getValue()));
            }
        }
        Manifest.SubnetEntry previous = null;
        for (Manifest.SubnetEntry s : m.subnets()) {
            checkChannels(s, previous, m.couplingSets(), where);
            checkNorms(model, s, where);
            previous = s;
        }
        for (String name : model.onnx().keySet()) {
            if (m.subnets().stream().noneMatch(s -> s.name().equals(name))) {
                throw new ArtifactException(where + ": ONNX graph " + name + " belongs to no subnet");
            }
        }
    }

    /**
     * A subnet's channel count per coupling set: one per set, within the set, and nested in the
     * previous (larger) subnet: subnets are listed largest first, each a prefix of the previous.
     */
    private static void checkChannels(
            Manifest.SubnetEntry s, Manifest.SubnetEntry previous, List<Manifest.CouplingSetInfo> sets, String where)
            throws ArtifactException {
        if (s.channels().size() != sets.size()) {
            throw new ArtifactException(where + ": subnet " + s.name() + " gives "
                    + s.channels().size() + " channel counts for " + sets.size() + " coupling sets");
        }
        for (int i = 0; i < sets.size(); i++) {
            int c = s.channels().get(i);
            if (c < 1 || c > sets.get(i).channels()) {
                throw new ArtifactException(where + ": subnet " + s.name() + " uses " + c + " channels of "
                        + sets.get(i).name() + ", which has " + sets.get(i).channels());
            }
            if (previous != null && c > previous.channels().get(i)) {
                throw new ArtifactException(where + ": subnet " + s.name() + " does not nest in " + previous.name()
                        + " (coupling set " + sets.get(i).name() + ": " + c + " > "
                        + previous.channels().get(i)
                        + "); subnets must be listed largest first, each a prefix of the previous");
            }
        }
    }

    /** A subnet's own BatchNorm tensors: mean, var, gamma and beta of every norm, as long as its channels. */
    private static void checkNorms(DynamicModelFile model, Manifest.SubnetEntry s, String where)
            throws ArtifactException {
        for (Manifest.NormInfo norm : model.manifest().norms()) {
            int c = norm.set() < 0 ? -1 : s.channels().get(norm.set());
            for (String kind : List.of("mean", "var", "gamma", "beta")) {
                Tensor t = model.tensors().get(normTensor(s.name(), norm.name(), kind));
                if (t == null || (c >= 0 && t.data().length != c)) {
                    throw new ArtifactException(where + ": subnet " + s.name() + " lacks BatchNorm " + kind + " of "
                            + norm.name() + (t == null ? "" : " of length " + c));
                }
            }
        }
    }

    /**
     * The manifest's own structure, before anything is looked up by it: every part present, every
     * index in range, names unique. A manifest that is valid JSON but not one Dialnet writes is
     * refused here with the part it lacks.
     */
    private static void complete(Manifest m, String where) throws ArtifactException {
        String in = where + ": " + MANIFEST + " ";
        require(m.model() != null, in + "has no model");
        require(m.subnets() != null && !m.subnets().isEmpty(), where + ": the manifest lists no subnets");
        require(m.couplingSets() != null, in + "has no couplingSets");
        require(m.norms() != null, in + "has no norms");
        require(m.tensors() != null, in + "has no tensors");
        for (Manifest.CouplingSetInfo set : m.couplingSets()) {
            require(set != null && set.name() != null, in + "has a coupling set without a name");
            require(
                    set.channels() >= 1 && set.groupSize() >= 1,
                    in + "gives coupling set " + set.name() + " " + set.channels() + " channels in groups of "
                            + set.groupSize());
        }
        for (Manifest.NormInfo norm : m.norms()) {
            require(norm != null && norm.name() != null, in + "has a BatchNorm layer without a name");
            require(
                    norm.set() >= -1 && norm.set() < m.couplingSets().size(),
                    in + "puts BatchNorm " + norm.name() + " in coupling set " + norm.set() + " of "
                            + m.couplingSets().size());
        }
        for (Map.Entry<String, long[]> e : m.tensors().entrySet()) {
            require(e.getValue() != null, in + "gives tensor " + e.getKey() + " no shape");
        }
        Set<String> names = new HashSet<>();
        for (Manifest.SubnetEntry s : m.subnets()) {
            require(s != null && s.name() != null, in + "lists a subnet without a name");
            require(names.add(s.name()), in + "lists two subnets named " + s.name());
            require(
                    s.channels() != null && s.channels().stream().noneMatch(Objects::isNull),
                    in + "gives subnet " + s.name() + " no channel counts");
            require(
                    s.latency().stream().noneMatch(Objects::isNull),
                    in + "gives subnet " + s.name() + " an empty latency record");
        }
    }

    private static void require(boolean ok, String problem) throws ArtifactException {
        if (!ok) {
            throw new ArtifactException(problem);
        }
    }
}
