package io.dialnet.cli;

import ai.djl.ndarray.NDManager;
import io.dialnet.Provenance;
import io.dialnet.data.Normalization;
import io.dialnet.export.OnnxCheck;
import io.dialnet.interop.PyTorchImport;
import io.dialnet.interop.TorchFile;
import io.dialnet.interop.TorchNames;
import io.dialnet.nn.Complexity;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.Checkpoint;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dialnet import}: a CNN trained in PyTorch as a Dialnet checkpoint. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Import a CNN trained in PyTorch (ONNX exported with BatchNorm kept, or safetensors with "
                + "torchvision's names) as DIR/checkpoint.zip, for train --init, search --background, eval --data "
                + "and export. An ONNX file is run in ONNX Runtime against the imported network: their logits must "
                + "agree within 1e-4.")
final class ImportCommand implements Callable<Integer> {
    /** torchvision's ImageNet statistics, what torchvision's ResNet-18 weights expect. */
    static final Normalization IMAGENET =
            new Normalization(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});
    /** The CIFAR-10 statistics most CIFAR training scripts normalise with. */
    static final Normalization CIFAR10 =
            new Normalization(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2470, 0.2435, 0.2616});

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "ARCH",
            description =
                    "Architecture of the file: resnet18 (torchvision), resnet20, resnet32 or resnet56 (CIFAR, 1x1 projection shortcuts).")
    String model;

    @Option(
            names = "--group-size",
            defaultValue = "0",
            description =
                    "Channels per group of the imported network (0 = this CPU's SIMD block, as train and search use).")
    int groupSize;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "FILE",
            description =
                    "model.onnx (torch.onnx.export(..., training=TrainingMode.PRESERVE, do_constant_folding=False) of model.eval()) or model.safetensors (state_dict; F32, F16 or BF16).")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory: checkpoint.zip.")
    Path out;

    @Option(names = "--overwrite", description = "Replace the checkpoint an earlier import or run left in DIR.")
    boolean overwrite;

    @Option(
            names = "--image-size",
            defaultValue = "0",
            paramLabel = "N",
            description =
                    "Input pixels per side (default: the ONNX input's, else 224 for resnet18 and 32 for the CIFAR ResNets).")
    int imageSize;

    @Option(
            names = "--mean",
            split = ",",
            paramLabel = "M",
            description =
                    "Per-channel mean the network was trained with, on 0..1 pixels (default: ImageNet's for resnet18, CIFAR-10's otherwise).")
    List<Double> mean;

    @Option(
            names = "--std",
            split = ",",
            paramLabel = "S",
            description = "Per-channel standard deviation (default: as --mean).")
    List<Double> std;

    @Option(
            names = "--check-images",
            defaultValue = "8",
            paramLabel = "N",
            description =
                    "Random inputs on which ONNX Runtime and the imported network must agree (default: ${DEFAULT-VALUE}).")
    int checkImages;

    @Override
    public Integer call() throws Exception {
        TorchNames.requireSupported(model);
        if (imageSize != 0 && (imageSize < 8 || imageSize > 1024)) {
            throw new IllegalArgumentException("--image-size must be 8..1024, got " + imageSize);
        }
        if (checkImages < 1) {
            throw new IllegalArgumentException("--check-images must be >= 1, got " + checkImages);
        }
        Normalization normalization = normalization();
        RunDirectory.prepareFresh(out, overwrite, RunDirectory.TRAIN);
        TorchFile file = TorchFile.read(from);
        int threads = common.startEngine();
        PrintWriter stdout = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager();
                SlimmableNetwork network = PyTorchImport.build(
                        model, file, imageSize, ModelOptions.resolvedGroupSize(groupSize), manager, common.seed)) {
            if (normalization.mean().length != network.spec().inputChannels()) {
                throw new IllegalArgumentException("--mean/--std give " + normalization.mean().length
                        + " channels; the network takes " + network.spec().inputChannels());
            }
            Complexity size = Complexity.of(network, network.fullPlan());
            stdout.printf(
                    Locale.ROOT,
                    "imported %s from %s (%s, %d tensors): %d classes, %dx%d input, %.2f M params, " + "%.2f M MACs%n",
                    model,
                    from,
                    file.format(),
                    file.tensors().size(),
                    network.spec().classes(),
                    network.spec().inputSize(),
                    network.spec().inputSize(),
                    size.params() / 1e6,
                    size.macs() / 1e6);
            Map<String, Object> origin = new LinkedHashMap<>();
            origin.put("file", from.toAbsolutePath().toString());
            origin.put("format", file.format());
            origin.put("sha256", sha256(from));
            origin.put("tensors", file.tensors().size());
            if (file.format().equals(TorchFile.ONNX)) {
                double diff =
                        PyTorchImport.maxAbsDifference(Files.readAllBytes(from), network, checkImages, common.seed);
                stdout.printf(
                        Locale.ROOT,
                        "ONNX Runtime on %s vs the imported network: max |difference| of logits "
                                + "= %.2e on %d random images (limit %.0e)%n",
                        from.getFileName(),
                        diff,
                        checkImages,
                        OnnxCheck.TOLERANCE);
                if (!(diff <= OnnxCheck.TOLERANCE)) {
                    throw new IllegalArgumentException(from + ": ONNX Runtime and the imported " + model + " differ by "
                            + diff + " (> " + OnnxCheck.TOLERANCE + "); not writing " + out);
                }
                origin.put("ortMaxAbsDifference", diff);
                origin.put("ortCheckImages", checkImages);
            }
            origin.put("provenance", Provenance.current(threads));
            // Recorded as a finished one-epoch run at full width: eval, export, train --init and search --background
            // read it.
            TrainConfig config = TrainConfig.recipe("individual", 1, List.of()).withSeed(common.seed);
            Path checkpoint = out.resolve(Trainer.CHECKPOINT);
            Checkpoint.saveImported(checkpoint, config, normalization, origin, network);
            stdout.printf(
                    "wrote %s; normalise inputs with mean %s, std %s%n",
                    checkpoint,
                    java.util.Arrays.toString(normalization.mean()),
                    java.util.Arrays.toString(normalization.std()));
            stdout.flush();
        }
        return 0;
    }

    private Normalization normalization() {
        Normalization standard = model.equals("resnet18") ? IMAGENET : CIFAR10;
        if (mean == null && std == null) {
            return standard;
        }
        if (mean == null || std == null || mean.size() != std.size()) {
            throw new IllegalArgumentException("--mean and --std go together, one value per channel each");
        }
        return new Normalization(
                mean.stream().mapToDouble(Double::doubleValue).toArray(),
                std.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
