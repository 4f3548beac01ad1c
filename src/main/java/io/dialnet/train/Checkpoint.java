package io.dialnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dialnet.AtomicFiles;
import io.dialnet.FormatVersions;
import io.dialnet.Json;
import io.dialnet.Provenance;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.Normalization;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The state of a run after a whole epoch: weights, BatchNorm state, momentum, progress and
 * config. A zip of {@code checkpoint.json} and {@code arrays.ndlist} (DJL's encoding, named
 * arrays), written to a temporary file and renamed, so a crash never leaves half a checkpoint.
 */
public final class Checkpoint {
    /** The format version written. */
    public static final int FORMAT_VERSION = 1;
    /** The versions read: older ones are retired. */
    public static final FormatVersions VERSIONS = new FormatVersions(1, FORMAT_VERSION);

    static final String MANIFEST = "checkpoint.json";
    static final String ARRAYS = "arrays.ndlist";
    private static final String NET = "net/";
    private static final String SGD = "sgd/";
    /** For a network made elsewhere and imported: the normalisation it was trained with, and where it came from. */
    private static final String NORMALIZATION = "normalization";

    private static final String IMPORTED = "imported";

    /**
     * A loaded checkpoint.
     *
     * @param epochsDone whole epochs completed
     * @param step optimiser steps completed
     * @param trainingCompute images x MACs spent so far
     * @param trainingSeconds training time so far
     * @param history metrics of the completed epochs
     * @param subnets the delivered subnets by name, in order; {@code null} when fixed by the config
     */
    public record Progress(
            int epochsDone,
            long step,
            double trainingCompute,
            double trainingSeconds,
            List<EpochMetrics> history,
            Map<String, ChannelPlan> subnets) {}

    private Checkpoint() {}

    /**
     * What a checkpoint says about its run, read without loading any array.
     *
     * @param spec the network's architecture and input
     * @param config the training configuration
     * @param data how the data was prepared, or {@code null} if not recorded
     * @param progress how far the run got
     * @param provenance versions and machine of the writer
     * @param normalization the input normalisation the weights expect: the data's, or for an
     *     imported network the one it was trained with; {@code null} if neither is recorded
     */
    public record RunInfo(
            ModelSpec spec,
            TrainConfig config,
            DataRecipe data,
            Progress progress,
            Map<String, String> provenance,
            Normalization normalization) {

        /** The subnets the run delivers: those it recorded as it went (single-path), else the method's. */
        public List<Subnet> subnets(Method method) {
            if (progress.subnets() == null) {
                return method.subnets();
            }
            return progress.subnets().entrySet().stream()
                    .map(e -> new Subnet(e.getKey(), e.getValue()))
                    .toList();
        }
    }

    /** {@code path} itself, or the checkpoint inside it when it is a training output directory. */
    public static Path resolve(Path path) {
        return Files.isDirectory(path) ? path.resolve(Trainer.CHECKPOINT) : path;
    }

    public static void save(
            Path file, TrainConfig config, DataRecipe data, Progress progress, SlimmableNetwork network, Sgd sgd) {
        write(file, manifest(config, data, progress, network), encode(network.stateArrays(), sgd.state()));
    }

    /**
     * Saves a network trained elsewhere (with its registered plans' BatchNorm statistics) as the
     * start of a run: no data, no progress, no optimiser state; {@code normalization} is the
     * input normalisation it was trained with and {@code origin} says where it came from.
     */
    public static void saveImported(
            Path file,
            TrainConfig config,
            Normalization normalization,
            Map<String, Object> origin,
            SlimmableNetwork network) {
        ObjectNode manifest = manifest(config, null, new Progress(0, 0, 0, 0, List.of(), null), network);
        manifest.set(NORMALIZATION, Json.MAPPER.valueToTree(normalization));
        manifest.set(IMPORTED, Json.MAPPER.valueToTree(origin));
        write(file, manifest, encode(network.stateArrays(), Map.of()));
    }

    private static ObjectNode manifest(
            TrainConfig config, DataRecipe data, Progress progress, SlimmableNetwork network) {
        ObjectNode manifest = Json.MAPPER.createObjectNode();
        manifest.put("format", FORMAT_VERSION);
        manifest.set("spec", Json.MAPPER.valueToTree(network.spec()));
        manifest.set("config", Json.MAPPER.valueToTree(config));
        manifest.set("data", Json.MAPPER.valueToTree(data));
        manifest.set("provenance", Json.MAPPER.valueToTree(Provenance.current(Engines.threads())));
        manifest.set("progress", Json.MAPPER.valueToTree(progress));
        List<Map<String, Object>> plans = new ArrayList<>();
        network.registeredPlans()
                .forEach((plan, affine) -> plans.add(Map.of("plan", plan.toString(), "privateAffine", affine)));
        manifest.set("registered", Json.MAPPER.valueToTree(plans));
        return manifest;
    }

    private static void write(Path file, ObjectNode manifest, byte[] encoded) {
        try {
            AtomicFiles.write(file, out -> {
                try (ZipOutputStream zip = new ZipOutputStream(out)) {
                    zip.putNextEntry(new ZipEntry(MANIFEST));
                    zip.write(Json.PRETTY.writeValueAsBytes(manifest));
                    zip.closeEntry();
                    zip.putNextEntry(new ZipEntry(ARRAYS));
                    zip.write(encoded);
                    zip.closeEntry();
                }
            });
        } catch (UncheckedIOException e) {
            throw new CheckpointException(
                    file, "cannot be written: " + e.getCause().getMessage(), e);
        }
    }

    /** DJL's encoding stores each array's name; the arrays are renamed for it, then given back their names. */
    private static byte[] encode(Map<String, NDArray> net, Map<String, NDArray> sgd) {
        NDList arrays = new NDList();
        Map<NDArray, String> original = new HashMap<>();
        net.forEach((name, array) -> add(arrays, original, NET + name, array));
        sgd.forEach((name, array) -> add(arrays, original, SGD + name, array));
        try {
            return arrays.encode();
        } finally {
            original.forEach(NDArray::setName);
        }
    }

    private static void add(NDList arrays, Map<NDArray, String> original, String name, NDArray array) {
        original.put(array, array.getName());
        array.setName(name);
        arrays.add(array);
    }

    /**
     * Reads and checks {@code checkpoint.json} of {@code file}: what it says about its run, without
     * loading any array.
     */
    public static RunInfo manifest(Path file) {
        JsonNode manifest = manifestTree(file, readZip(file));
        try {
            DataRecipe data = manifest.path("data").isObject()
                    ? Json.MAPPER.treeToValue(manifest.path("data"), DataRecipe.class)
                    : null;
            Normalization input = data != null
                    ? data.normalization()
                    : manifest.path(NORMALIZATION).isObject()
                            ? Json.MAPPER.treeToValue(manifest.path(NORMALIZATION), Normalization.class)
                            : null;
            return new RunInfo(
                    Json.MAPPER.treeToValue(manifest.path("spec"), ModelSpec.class),
                    Json.MAPPER.treeToValue(manifest.path("config"), TrainConfig.class),
                    data,
                    Json.MAPPER.treeToValue(manifest.path("progress"), Progress.class),
                    Json.MAPPER.convertValue(manifest.path("provenance"), new TypeReference<Map<String, String>>() {}),
                    input);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(file, MANIFEST + " is incomplete or invalid: " + e.getMessage(), e);
        }
    }

    private static JsonNode manifestTree(Path file, Map<String, byte[]> entries) {
        JsonNode manifest;
        try {
            manifest = Json.MAPPER.readTree(require(file, entries, MANIFEST));
        } catch (IOException e) {
            throw new CheckpointException(file, MANIFEST + " is not valid JSON: " + e.getMessage(), e);
        }
        String problem = VERSIONS.problem(manifest.path("format").asInt(-1));
        if (problem != null) {
            throw new CheckpointException(file, MANIFEST + " " + problem);
        }
        return manifest;
    }

    /**
     * Restores {@code network} (and {@code sgd}, unless {@code null}) from {@code file}. The network
     * must be built from the saved spec; unless {@code config} is {@code null} it must equal the
     * saved config, field by field, so a resumed run cannot silently change its recipe.
     */
    public static Progress load(Path file, TrainConfig config, SlimmableNetwork network, Sgd sgd) {
        Map<String, byte[]> entries = readZip(file);
        JsonNode manifest = manifestTree(file, entries);
        requireSameRun(file, manifest, config, network);
        for (JsonNode r : manifest.path("registered")) {
            network.register(
                    ChannelPlan.parse(r.path("plan").asText()),
                    r.path("privateAffine").asBoolean());
        }
        NDManager scratch = network.manager().getParentManager().newSubManager();
        try (scratch) {
            Map<String, NDArray> byName = arraysByName(file, entries, scratch);
            copyInto(file, byName, network);
            Map<String, NDArray> velocity = new LinkedHashMap<>();
            byName.forEach((name, array) -> {
                if (name.startsWith(SGD)) {
                    velocity.put(name.substring(SGD.length()), array);
                }
            });
            if (sgd != null) {
                sgd.load(velocity);
            }
            try {
                return Json.MAPPER.treeToValue(manifest.path("progress"), Progress.class);
            } catch (IOException e) {
                throw new CheckpointException(file, "progress record is unreadable: " + e.getMessage(), e);
            }
        }
    }

    /** The checkpoint must be of this model and written with this config (every field the config has). */
    private static void requireSameRun(Path file, JsonNode manifest, TrainConfig config, SlimmableNetwork network) {
        JsonNode savedSpec = manifest.path("spec");
        if (!savedSpec.equals(Json.MAPPER.valueToTree(network.spec()))) {
            throw new CheckpointException(file, "was written for model " + savedSpec + ", not " + network.spec());
        }
        JsonNode savedConfig = manifest.path("config");
        JsonNode canonical = canonical(savedConfig);
        JsonNode current = config == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.valueToTree(config);
        for (var it = current.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            JsonNode saved = savedConfig.has(field) ? canonical.get(field) : null;
            // Compare as JSON text: a long read back from a file comes back as an int node.
            if (!current.get(field).toString().equals(String.valueOf(saved))) {
                throw new CheckpointException(
                        file,
                        "was written with " + field + "=" + saved
                                + " but this run has " + field + "=" + current.get(field)
                                + "; resume with the same settings or start a new output directory");
            }
        }
    }

    /**
     * A saved config as this version writes it: older versions stored plans as typed ({@code "16, 8"}),
     * this one as {@link ChannelPlan#toString()}. A config this version cannot read is left as saved.
     */
    private static JsonNode canonical(JsonNode savedConfig) {
        try {
            return Json.MAPPER.valueToTree(Json.MAPPER.treeToValue(savedConfig, TrainConfig.class));
        } catch (IOException | IllegalArgumentException e) {
            return savedConfig;
        }
    }

    /** Sets every state array of {@code network} from the checkpoint's arrays of the same name and shape. */
    private static void copyInto(Path file, Map<String, NDArray> byName, SlimmableNetwork network) {
        for (Map.Entry<String, NDArray> e : network.stateArrays().entrySet()) {
            NDArray saved = byName.get(NET + e.getKey());
            if (saved == null || !saved.getShape().equals(e.getValue().getShape())) {
                throw new CheckpointException(
                        file,
                        "array " + e.getKey()
                                + (saved == null
                                        ? " is missing"
                                        : " has shape " + saved.getShape() + ", expected "
                                                + e.getValue().getShape()));
            }
            Engines.copyInto(saved, e.getValue());
        }
    }

    /**
     * Starts {@code network} from the weights of {@code file} (a fine-tuning run's starting point,
     * e.g. a network imported from PyTorch): every shared weight is copied, and the BatchNorm
     * statistics of each plan registered in both; optimiser state and progress are not. The
     * architecture must match; the input size may differ (the weights do not depend on it).
     */
    public static void loadWeights(Path file, SlimmableNetwork network) {
        Map<String, byte[]> entries = readZip(file);
        JsonNode manifest = manifestTree(file, entries);
        String architecture = manifest.path("spec").path("architecture").asText();
        if (!architecture.equals(network.spec().architecture())) {
            throw new CheckpointException(
                    file,
                    "holds a " + architecture + ", not a " + network.spec().architecture());
        }
        NDManager scratch = network.manager().getParentManager().newSubManager();
        try (scratch) {
            Map<String, NDArray> byName = arraysByName(file, entries, scratch);
            for (Map.Entry<String, NDArray> e : network.stateArrays().entrySet()) {
                NDArray saved = byName.get(NET + e.getKey());
                boolean shared = network.parameters().containsKey(e.getKey());
                if (saved != null && saved.getShape().equals(e.getValue().getShape())) {
                    Engines.copyInto(saved, e.getValue());
                } else if (shared) {
                    throw new CheckpointException(
                            file,
                            "array " + e.getKey()
                                    + (saved == null
                                            ? " is missing"
                                            : " has shape " + saved.getShape() + " but this run needs "
                                                    + e.getValue().getShape()
                                                    + " (another number of classes or input channels?)"));
                }
            }
        }
    }

    /** The saved arrays by name, owned by {@code scratch}. */
    private static Map<String, NDArray> arraysByName(Path file, Map<String, byte[]> entries, NDManager scratch) {
        NDList arrays;
        try {
            arrays = NDList.decode(scratch, require(file, entries, ARRAYS));
        } catch (RuntimeException e) {
            throw new CheckpointException(file, ARRAYS + " is corrupt: " + e.getMessage(), e);
        }
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray a : arrays) {
            byName.put(a.getName(), a);
        }
        return byName;
    }

    private static byte[] require(Path file, Map<String, byte[]> entries, String name) {
        byte[] bytes = entries.get(name);
        if (bytes == null) {
            throw new CheckpointException(
                    file, "has no " + name + " entry; it is not a Dialnet checkpoint or it is truncated");
        }
        return bytes;
    }

    private static Map<String, byte[]> readZip(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "no such file");
        }
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(file));
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        } catch (IOException | IllegalArgumentException e) {
            // ZipInputStream reports a malformed entry name with IllegalArgumentException
            throw new CheckpointException(file, "is corrupt or truncated: " + e.getMessage(), e);
        }
        return entries;
    }
}
