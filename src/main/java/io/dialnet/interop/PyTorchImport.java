package io.dialnet.interop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.dialnet.artifact.Tensor;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Layer;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimConv2d;
import io.dialnet.nn.SlimLinear;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A network trained in PyTorch as a Dialnet supernet at full width: each layer's tensors are
 * found by {@link TorchNames}, checked by shape and copied; BatchNorm's running statistics become
 * those of the full-width subnet, so the network evaluates and exports without any data.
 */
public final class PyTorchImport {
    private PyTorchImport() {}

    /**
     * Builds {@code architecture} from {@code file}'s tensors. Classes and input channels come
     * from the tensors; {@code inputSize} (0 = the file's, else the architecture's default);
     * {@code groupSize} channels per group (0 = the architecture's default).
     *
     * @throws IllegalArgumentException one line naming the tensor that is missing, unknown or of the wrong shape
     */
    public static SlimmableNetwork build(
            String architecture, TorchFile file, int inputSize, int groupSize, NDManager manager, long seed) {
        TorchNames.requireSupported(architecture);
        Map<String, Tensor> tensors = file.tensors();
        Tensor stem = require(file, architecture, TorchNames.modules(architecture, "stem"), ".weight");
        Tensor fc = require(file, architecture, TorchNames.modules(architecture, "fc"), ".weight");
        int size = inputSize > 0
                ? inputSize
                : file.inputSize() > 0
                        ? file.inputSize()
                        : ModelZoo.defaultSpec(architecture).inputSize();
        ModelSpec spec = new ModelSpec(architecture, (int) stem.shape()[1], size, (int) fc.shape()[0], groupSize);
        SlimmableNetwork network = ModelZoo.create(spec, manager, seed);
        try {
            Set<String> used = copyWeights(file, architecture, network);
            Set<String> unknown = new TreeSet<>(tensors.keySet());
            unknown.removeAll(used);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(
                        file.path() + ": unknown tensor " + unknown.iterator().next()
                                + " (and " + (unknown.size() - 1) + " more): not part of " + architecture
                                + "; is it another depth or architecture?");
            }
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /**
     * Copies the file's tensors into every layer of {@code network} at full width (BatchNorm running
     * statistics into the full plan's state); returns the names of the tensors used.
     */
    private static Set<String> copyWeights(TorchFile file, String architecture, SlimmableNetwork network) {
        ChannelPlan full = network.fullPlan();
        network.register(full, false);
        Set<String> used = new HashSet<>();
        for (Layer layer : network.layers()) {
            String module = module(file, architecture, layer.name());
            if (layer instanceof SlimConv2d conv) {
                copy(file, architecture, module + ".weight", conv.weight(), used);
                if (conv.bias() != null) {
                    copy(file, architecture, module + ".bias", conv.bias(), used);
                }
            } else if (layer instanceof SlimLinear linear) {
                copy(file, architecture, module + ".weight", linear.weight(), used);
                copy(file, architecture, module + ".bias", linear.bias(), used);
            } else if (layer instanceof SlimBatchNorm norm) {
                copy(file, architecture, module + ".weight", norm.gamma(), used);
                copy(file, architecture, module + ".bias", norm.beta(), used);
                copy(
                        file,
                        architecture,
                        module + ".running_mean",
                        norm.state(full).mean(),
                        used);
                copy(
                        file,
                        architecture,
                        module + ".running_var",
                        norm.state(full).var(),
                        used);
            }
        }
        return used;
    }

    /** The first candidate module name of {@code layer} that the file holds. */
    private static String module(TorchFile file, String architecture, String layer) {
        List<String> candidates = TorchNames.modules(architecture, layer);
        for (String m : candidates) {
            if (file.tensors().containsKey(m + ".weight")) {
                return m;
            }
        }
        throw missing(file, architecture, candidates.get(0) + ".weight");
    }

    private static Tensor require(TorchFile file, String architecture, List<String> modules, String suffix) {
        for (String m : modules) {
            Tensor t = file.tensors().get(m + suffix);
            if (t != null) {
                return t;
            }
        }
        throw missing(file, architecture, modules.get(0) + suffix);
    }

    private static IllegalArgumentException missing(TorchFile file, String architecture, String name) {
        return new IllegalArgumentException(file.path() + ": missing tensor " + name + ", which " + architecture
                + " needs" + (file.tensors().isEmpty() ? " (the file holds no weights)" : ""));
    }

    private static void copy(TorchFile file, String architecture, String name, NDArray target, Set<String> used) {
        Tensor t = file.tensors().get(name);
        if (t == null) {
            throw missing(file, architecture, name);
        }
        long[] expected = target.getShape().getShape();
        if (!Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(file.path() + ": tensor " + name + " has shape "
                    + Arrays.toString(t.shape()) + ", " + architecture + " needs " + Arrays.toString(expected));
        }
        Engines.fill(target, t.data());
        used.add(name);
    }

    /**
     * Runs {@code onnx} (the user's own file) in ONNX Runtime and the imported network at full
     * width on the same {@code n} seeded standard-normal images (normalised inputs); returns the
     * largest absolute difference of their logits.
     */
    public static double maxAbsDifference(byte[] onnx, SlimmableNetwork network, int n, long seed) throws OrtException {
        ModelSpec spec = network.spec();
        float[] images = new float[n * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        Random random = new Random(seed);
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        float[] expected;
        Engines.noGrad();
        try (NDManager scratch = network.manager().getParentManager().newSubManager()) {
            expected = network.forward(
                            new Pass(network.fullPlan(), Mode.EVAL, scratch),
                            scratch.create(
                                    images, new Shape(n, spec.inputChannels(), spec.inputSize(), spec.inputSize())))
                    .toFloatArray();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Math.max(1, Engines.threads()));
            try (OrtSession session = env.createSession(onnx, options)) {
                return maxAbsDifference(env, session, spec, images, n, expected);
            }
        }
    }

    /**
     * Runs {@code session} on the {@code n} images, in batches of the input's fixed batch size when
     * it has one, and compares each image's logits with {@code expected}.
     */
    private static double maxAbsDifference(
            OrtEnvironment env, OrtSession session, ModelSpec spec, float[] images, int n, float[] expected)
            throws OrtException {
        Map.Entry<String, NodeInfo> input =
                session.getInputInfo().entrySet().iterator().next();
        long fixedBatch = ((TensorInfo) input.getValue().getInfo()).getShape()[0];
        int batch = fixedBatch > 0 ? (int) fixedBatch : n;
        if (n % batch != 0) {
            throw new IllegalArgumentException(
                    "the ONNX input has a fixed batch of " + fixedBatch + "; check with a multiple of it");
        }
        int perImage = spec.inputChannels() * spec.inputSize() * spec.inputSize();
        int classes = spec.classes();
        double max = 0;
        for (int start = 0; start < n; start += batch) {
            FloatBuffer slice =
                    FloatBuffer.wrap(images, start * perImage, batch * perImage).slice();
            long[] shape = {batch, spec.inputChannels(), spec.inputSize(), spec.inputSize()};
            try (OnnxTensor in = OnnxTensor.createTensor(env, slice, shape);
                    OrtSession.Result result = session.run(Map.of(input.getKey(), in))) {
                float[][] got = (float[][]) result.get(0).getValue();
                for (int i = 0; i < got.length; i++) {
                    if (got[i].length != classes) {
                        throw new IllegalArgumentException("the ONNX model gives " + got[i].length
                                + " outputs per image, the imported network " + classes);
                    }
                    for (int k = 0; k < classes; k++) {
                        max = Math.max(max, Math.abs(got[i][k] - expected[(start + i) * classes + k]));
                    }
                }
            }
        }
        return max;
    }
}
