package io.dialnet.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.util.Arrays;
import java.util.Properties;

/**
 * The one place where Dialnet depends on the PyTorch engine's conventions rather than DJL's API.
 *
 * <p>Everything above {@code io.dialnet.nn} goes through DJL's engine-neutral API; engine-specific
 * calls and conventions are gathered here so a port to another engine touches one file.
 */
public final class Engines {
    /** The engine Dialnet trains with. Natives come from Maven jars; nothing is downloaded. */
    public static final String ENGINE = "PyTorch";

    private Engines() {}

    /** Starts the engine on the calling thread, which must be the thread that trains (grad mode is thread-local). */
    public static Engine start() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        NativeMemory.tune();
        Engine engine = Engine.getEngine(ENGINE);
        ConvolutionCheck.ensureOnce(engine.getVersion());
        return engine;
    }

    /**
     * The CUDA flavour of the engine natives on the class path ({@code cu124} in the GPU build), or
     * {@code null} when only CPU natives are there. DJL picks the first native jar that fits the
     * host, so CUDA natives on the class path are used only where a CUDA runtime of the same major
     * version is found.
     */
    public static String bundledCudaFlavor() {
        try {
            var urls = Thread.currentThread().getContextClassLoader().getResources("native/lib/pytorch.properties");
            while (urls.hasMoreElements()) {
                Properties p = new Properties();
                try (var in = urls.nextElement().openStream()) {
                    p.load(in);
                }
                String flavor = p.getProperty("flavor", p.getProperty("classifier", ""));
                if (flavor.startsWith("cu")) {
                    return flavor.split("-")[0];
                }
            }
        } catch (IOException e) {
            // unreadable class path entry: report no CUDA natives
        }
        return null;
    }

    /**
     * Turns off autograd recording on the calling thread (torch's grad mode is per thread and on
     * by default); call before eval passes and before optimiser updates on a fresh thread.
     */
    public static void noGrad() {
        start();
        JniUtils.setGradMode(false);
    }

    /**
     * Seeds the engine's random generator, so that draws made through it (noise, dropout) depend
     * on {@code seed} alone, not on what ran earlier in the same process.
     */
    public static void seedRandom(long seed) {
        start().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    /** Sets the number of intra-op threads the engine uses for every later op. */
    public static void setThreads(int threads) {
        start();
        JniUtils.setNumThreads(threads);
    }

    /** The engine's intra-op thread count. */
    public static int threads() {
        start();
        return JniUtils.getNumThreads();
    }

    /**
     * Clears the gradient accumulated on {@code parameter}; PyTorch adds every backward into the
     * same buffer, so each optimiser step must clear it.
     */
    public static void zeroGradient(NDArray parameter) {
        JniUtils.zeroGrad((PtNDArray) parameter);
    }

    /**
     * Copies {@code source}'s values into {@code target} in place (same shape; any two devices: a
     * GPU-to-GPU copy does not pass through host memory). {@code target} keeps its identity, its
     * storage, its gradient flag and every reference to it, as a data-parallel replica's parameters
     * and every view taken of them must. Autograd does not record the copy.
     *
     * <p>This is how Dialnet writes into an engine array; never {@code NDArray.set(Buffer)}, which
     * the PyTorch engine implements with libtorch's deprecated {@code AutoNonVariableTypeMode}
     * (a "deprecated" warning on stderr) and by swapping the tensor's storage for the Java buffer.
     */
    public static void copyInto(NDArray source, NDArray target) {
        if (!source.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("cannot copy " + source.getShape() + " into " + target.getShape());
        }
        // An in-place write to a leaf that requires a gradient is an error while grad mode is on (it is per
        // thread, and on by default on a thread the engine did not start on).
        boolean grad = JniUtils.isGradMode();
        if (grad) {
            JniUtils.setGradMode(false);
        }
        NDArray moved = source.toDevice(target.getDevice(), false);
        try {
            long[] shape = target.getShape().getShape();
            long[] start = new long[shape.length];
            long[] step = new long[shape.length];
            Arrays.fill(step, 1);
            JniUtils.indexSet((PtNDArray) target, (PtNDArray) moved, start, shape, step);
        } finally {
            if (moved != source) {
                moved.close();
            }
            if (grad) {
                JniUtils.setGradMode(true);
            }
        }
    }

    /**
     * Writes {@code values} (row-major, as many as {@code target} holds) into {@code target} in
     * place; see {@link #copyInto}.
     */
    public static void fill(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException(
                    values.length + " values do not fill an array of shape " + target.getShape());
        }
        try (NDArray source = target.getManager().create(values, target.getShape())) {
            copyInto(source, target);
        }
    }

    /**
     * A view of the leading {@code lengths[i]} entries along each of the first dimensions of
     * {@code full}, owned by {@code pass}'s manager so it is freed with the batch. Gradients of the
     * view flow into exactly that region of {@code full}. Returns {@code full} itself when nothing
     * is cut, which saves a native call per layer at full width.
     */
    public static NDArray prefix(NDArray full, Pass pass, int... lengths) {
        long[] shape = full.getShape().getShape();
        boolean whole = true;
        for (int i = 0; i < lengths.length; i++) {
            whole &= lengths[i] == shape[i];
        }
        if (whole) {
            return full;
        }
        if (pass.slices() != null && pass.mode() == Mode.EVAL) {
            return pass.slices().view(full, lengths);
        }
        NDIndex index = new NDIndex();
        for (int length : lengths) {
            index.addSliceDim(0, length);
        }
        NDArray view = full.get(index);
        view.attach(pass.manager());
        return view;
    }

    /**
     * The same {@code [N, C, H, W]} values laid out channels-last in memory (NHWC strides). oneDNN
     * then runs every later convolution, BatchNorm and ReLU in NHWC, as Torch propagates the layout.
     */
    public static NDArray channelsLast(NDArray x) {
        long[] s = x.getShape().getShape();
        // reshape copies a permuted view into contiguous NHWC memory; the last transpose is a view
        return x.transpose(0, 2, 3, 1)
                .reshape(s[0], s[2] * s[3] * s[1])
                .reshape(s[0], s[2], s[3], s[1])
                .transpose(0, 3, 1, 2);
    }

    /**
     * Torch normalises dimension 1 natively; DJL's PyTorch engine passes axis -1 straight through
     * but swaps axes (two copies) for any other value, so NCHW and NC inputs use -1.
     */
    static final int BN_AXIS = -1;

    /** DJL's BatchNorm momentum is the weight of the old value; torch's is the weight of the new one. */
    static float djlMomentum(double torchMomentum) {
        return (float) (1.0 - torchMomentum);
    }
}
