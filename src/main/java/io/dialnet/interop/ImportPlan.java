package io.dialnet.interop;

import ai.djl.ndarray.NDManager;
import io.dialnet.Provenance;
import io.dialnet.data.Normalization;
import io.dialnet.export.OnnxCheck;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.Strategy;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code dialnet import} does: a CNN trained in PyTorch (ONNX exported with BatchNorm kept,
 * or safetensors with torchvision's names) written as a Dialnet checkpoint, recorded as a finished
 * one-epoch run at full width so {@code train --init}, {@code search --background}, {@code eval
 * --data} and {@code export} read it. An ONNX file is first run in ONNX Runtime against the
 * imported network: their logits must agree within {@link OnnxCheck#TOLERANCE}.
 *
 * @param model the file's architecture (see {@link TorchNames#ARCHITECTURES})
 * @param from the ONNX or safetensors file
 * @param imageSize input pixels per side (0 = the ONNX input's, else the architecture's)
 * @param groupSize channels per group of the imported network (0 = this CPU's SIMD block)
 * @param normalization the per-channel statistics the network was trained with
 * @param checkImages random inputs on which ONNX Runtime and the imported network must agree
 * @param seed seed of those inputs and of the checkpoint's recorded config
 */
public record ImportPlan(
        String model,
        Path from,
        int imageSize,
        int groupSize,
        Normalization normalization,
        int checkImages,
        long seed) {
    /** torchvision's ImageNet statistics, what torchvision's ResNet-18 weights expect. */
    public static final Normalization IMAGENET =
            new Normalization(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
    /** The CIFAR-10 statistics most CIFAR training scripts normalise with. */
    public static final Normalization CIFAR10 =
            new Normalization(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2470, 0.2435, 0.2616});

    public ImportPlan {
        check(model, imageSize, checkImages);
    }

    private static void check(String model, int imageSize, int checkImages) {
        TorchNames.requireSupported(model);
        if (imageSize != 0 && (imageSize < 8 || imageSize > 1024)) {
            throw new IllegalArgumentException("--image-size must be 8..1024, got " + imageSize);
        }
        if (checkImages < 1) {
            throw new IllegalArgumentException("--check-images must be >= 1, got " + checkImages);
        }
    }

    /**
     * The plan with the normalisation {@code mean} and {@code std} (one value per channel each), or
     * when both are {@code null} the standard one of the architecture: ImageNet's for resnet18,
     * CIFAR-10's otherwise.
     */
    public static ImportPlan of(
            String model,
            Path from,
            int imageSize,
            int groupSize,
            List<Double> mean,
            List<Double> std,
            int checkImages,
            long seed) {
        check(model, imageSize, checkImages);
        Normalization normalization;
        if (mean == null && std == null) {
            normalization = model.equals("resnet18") ? IMAGENET : CIFAR10;
        } else if (mean == null || std == null || mean.size() != std.size()) {
            throw new IllegalArgumentException("--mean and --std go together, one value per channel each");
        } else {
            normalization = new Normalization(
                    mean.stream().mapToDouble(Double::doubleValue).toArray(),
                    std.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return new ImportPlan(model, from, imageSize, groupSize, normalization, checkImages, seed);
    }

    /**
     * What was imported.
     *
     * @param format {@link TorchFile#ONNX} or {@link TorchFile#SAFETENSORS}
     * @param tensors how many tensors the file held
     * @param size MACs and params of the full network
     * @param ortMaxDifference largest |ONNX Runtime - imported| logit difference, or {@code null}
     *     for a safetensors file (nothing to run)
     * @param checkpoint the checkpoint written, or {@code null} when the difference was too large
     */
    public record Imported(
            ImportPlan plan,
            String format,
            int tensors,
            ModelSpec spec,
            Complexity size,
            Double ortMaxDifference,
            Path checkpoint) {

        /** What import reports: the network imported and, for an ONNX file, the check against ONNX Runtime. */
        public String text() {
            String imported = String.format(
                    Locale.ROOT,
                    "imported %s from %s (%s, %d tensors): %d classes, %dx%d input, %.2f M params, %.2f M MACs%n",
                    plan.model(),
                    plan.from(),
                    format,
                    tensors,
                    spec.classes(),
                    spec.inputSize(),
                    spec.inputSize(),
                    size.params() / 1e6,
                    size.macs() / 1e6);
            return ortMaxDifference == null
                    ? imported
                    : imported
                            + String.format(
                                    Locale.ROOT,
                                    "ONNX Runtime on %s vs the imported network: max |difference| of logits "
                                            + "= %.2e on %d random images (limit %.0e)%n",
                                    plan.from().getFileName(),
                                    ortMaxDifference,
                                    plan.checkImages(),
                                    OnnxCheck.TOLERANCE);
        }

        /** Why nothing was written to {@code out} when {@link #checkpoint} is {@code null}. */
        public String disagreement(Path out) {
            return plan.from() + ": ONNX Runtime and the imported " + plan.model() + " differ by " + ortMaxDifference
                    + " (> " + OnnxCheck.TOLERANCE + "); not writing " + out;
        }
    }

    /** Imports into {@code out}/checkpoint.zip; {@code threads} is recorded in the provenance. */
    public Imported run(Path out, int threads) throws IOException, ai.onnxruntime.OrtException {
        TorchFile file = TorchFile.read(from);
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = PyTorchImport.build(
                        model, file, imageSize, ModelSpec.resolveGroupSize(groupSize), manager, seed)) {
            if (normalization.mean().length != network.spec().inputChannels()) {
                throw new IllegalArgumentException("--mean/--std give " + normalization.mean().length
                        + " channels; the network takes " + network.spec().inputChannels());
            }
            Complexity size = Complexity.of(network, network.fullPlan());
            Map<String, Object> origin = new LinkedHashMap<>();
            origin.put("file", from.toAbsolutePath().toString());
            origin.put("format", file.format());
            origin.put("sha256", sha256(from));
            origin.put("tensors", file.tensors().size());
            Double diff = null;
            if (file.format().equals(TorchFile.ONNX)) {
                diff = PyTorchImport.maxAbsDifference(Files.readAllBytes(from), network, checkImages, seed);
                if (!(diff <= OnnxCheck.TOLERANCE)) {
                    return new Imported(this, file.format(), file.tensors().size(), network.spec(), size, diff, null);
                }
                origin.put("ortMaxAbsDifference", diff);
                origin.put("ortCheckImages", checkImages);
            }
            origin.put("provenance", Provenance.current(threads));
            // Recorded as a finished one-epoch run at full width: eval, export, train --init and search --background
            // read it.
            TrainConfig config = TrainConfig.builder()
                    .setStrategy(Strategy.INDIVIDUAL)
                    .setEpochs(1)
                    .optSeed(seed)
                    .build();
            Path checkpoint = out.resolve(Trainer.CHECKPOINT);
            Checkpoint.saveImported(checkpoint, config, normalization, origin, network);
            return new Imported(this, file.format(), file.tensors().size(), network.spec(), size, diff, checkpoint);
        }
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
