package io.dialnet.cli;

import io.dialnet.export.OnnxCheck;
import io.dialnet.interop.ImportPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
        ImportPlan plan = ImportPlan.of(model, from, imageSize, groupSize, mean, std, checkImages, common.seed);
        RunDirectory.prepareFresh(out, overwrite, RunDirectory.TRAIN);
        int threads = common.startEngine();
        ImportPlan.Imported imported = plan.run(out, threads);
        PrintWriter stdout = spec.commandLine().getOut();
        print(stdout, imported);
        if (imported.checkpoint() == null) {
            throw new IllegalArgumentException(from + ": ONNX Runtime and the imported " + model + " differ by "
                    + imported.ortMaxDifference() + " (> " + OnnxCheck.TOLERANCE + "); not writing " + out);
        }
        stdout.printf(
                "wrote %s; normalise inputs with mean %s, std %s%n",
                imported.checkpoint(),
                Arrays.toString(plan.normalization().mean()),
                Arrays.toString(plan.normalization().std()));
        stdout.flush();
        return 0;
    }

    private void print(PrintWriter out, ImportPlan.Imported r) {
        out.printf(
                Locale.ROOT,
                "imported %s from %s (%s, %d tensors): %d classes, %dx%d input, %.2f M params, %.2f M MACs%n",
                model,
                from,
                r.format(),
                r.tensors(),
                r.spec().classes(),
                r.spec().inputSize(),
                r.spec().inputSize(),
                r.size().params() / 1e6,
                r.size().macs() / 1e6);
        if (r.ortMaxDifference() != null) {
            out.printf(
                    Locale.ROOT,
                    "ONNX Runtime on %s vs the imported network: max |difference| of logits "
                            + "= %.2e on %d random images (limit %.0e)%n",
                    from.getFileName(),
                    r.ortMaxDifference(),
                    checkImages,
                    OnnxCheck.TOLERANCE);
        }
    }
}
