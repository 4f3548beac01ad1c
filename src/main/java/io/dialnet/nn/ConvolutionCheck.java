package io.dialnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.dialnet.CacheDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the engine's native convolution against a plain-Java reference.
 *
 * <p>On AMD EPYC family 26 (Zen 5, AVX-512) machines, libtorch 2.7.1's oneDNN gave wrong values
 * (errors of 10 and more, sometimes NaN) for NCHW 3x3 convolutions with 20, 24, 28 or 40 input
 * channels and NHWC 1x1 convolutions with 40 outputs, so every training diverged at its second
 * step without any error; {@code DNNL_MAX_CPU_ISA=SSE41} gave correct values there
 * (docs/RESULTS.md, 2026-12-05). Input channels above the vector width and not a multiple of it
 * go wrong there: 16 floats with AVX-512, 8 under the {@code AVX2} cap (12 in is wrong then).
 * {@link Engines#start} runs {@link #QUICK} once per process, first caps oneDNN at
 * {@link #SAFE_ISA_CAP} where a child process found it wrong uncapped ({@link UncappedCheck}), and
 * stops with {@link WrongEngineException} if the engine is still wrong, instead of silently training
 * noise.
 */
public final class ConvolutionCheck {
    /** Channel counts a slimmable ResNet's subnets use, including every width found wrong. */
    public static final int[] SUBNET_CHANNELS = {3, 8, 12, 16, 20, 24, 28, 32, 40, 48, 64};

    /** The environment variable that caps the instruction set oneDNN uses; read once, at its first convolution. */
    public static final String ISA_CAP_VARIABLE = "DNNL_MAX_CPU_ISA";

    /** The cap under which every case was right on the machines found wrong. */
    public static final String SAFE_ISA_CAP = "SSE41";

    /** The cases found wrong (by default and under the AVX2 cap), plus neighbours: under a second at start. */
    public static final List<Case> QUICK = List.of(
            new Case(12, 16, 3, 1, false),
            new Case(20, 16, 3, 1, false),
            new Case(24, 24, 3, 1, false),
            new Case(28, 32, 3, 2, false),
            new Case(40, 40, 3, 1, false),
            new Case(16, 40, 1, 1, true),
            new Case(40, 40, 1, 2, true),
            new Case(16, 16, 3, 1, true));

    /** One convolution: {@code in -> out} channels, square kernel, stride, memory layout. */
    public record Case(int in, int out, int kernel, int stride, boolean channelsLast) {
        @Override
        public String toString() {
            return String.format(
                    "%d->%d %dx%d stride %d %s", in, out, kernel, kernel, stride, channelsLast ? "NHWC" : "NCHW");
        }
    }

    /** {@code null} until checked; then the failure, or {@link #RIGHT}. */
    private static volatile WrongEngineException failure;

    private static final WrongEngineException RIGHT = new WrongEngineException("");

    private static final Logger LOG = LoggerFactory.getLogger(ConvolutionCheck.class);

    private ConvolutionCheck() {}

    /** Every case of the full grid: kernels 1 and 3, strides 1 and 2, both layouts, all subnet widths. */
    public static List<Case> fullGrid() {
        List<Case> cases = new ArrayList<>();
        for (int kernel : new int[] {3, 1}) {
            for (int stride : new int[] {1, 2}) {
                for (int in : SUBNET_CHANNELS) {
                    for (int out : SUBNET_CHANNELS) {
                        cases.add(new Case(in, out, kernel, stride, false));
                        cases.add(new Case(in, out, kernel, stride, true));
                    }
                }
            }
        }
        return cases;
    }

    /** The cases whose native result is off the reference by 1e-3 or more (or NaN), each with its error. */
    public static List<String> wrong(List<Case> cases) {
        List<String> wrong = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Case c : cases) {
                double error = maxError(manager, c);
                if (!(error < 1e-3)) {
                    wrong.add(String.format("%s: %.3g", c, error));
                }
            }
        }
        return wrong;
    }

    /**
     * Runs {@link #QUICK} on the first call in a process, under the safe cap where oneDNN is wrong
     * uncapped on this machine and no cap was set; this and every later call throw
     * {@link WrongEngineException}, naming the CPU and the fix, if any case is wrong.
     */
    static void ensureOnce(String libtorchVersion) {
        // Engines.start runs before every eval pass and thread setting: after the first check, one volatile read
        WrongEngineException result = failure;
        if (result == null) {
            synchronized (ConvolutionCheck.class) {
                if (failure == null) {
                    failure = check(libtorchVersion);
                }
                result = failure;
            }
        }
        if (result != RIGHT) {
            throw result.again();
        }
    }

    private static WrongEngineException check(String libtorchVersion) {
        String cap = System.getenv(ISA_CAP_VARIABLE);
        Path cache = CacheDirectory.get();
        if (cap == null) {
            List<String> uncapped =
                    UncappedCheck.wrongCases(cache, libtorchVersion).orElse(List.of());
            if (!uncapped.isEmpty() && UncappedCheck.setNativeEnvironment(ISA_CAP_VARIABLE, SAFE_ISA_CAP)) {
                cap = SAFE_ISA_CAP;
                LOG.warn(
                        "the PyTorch engine computes wrong convolutions on this CPU ({}) uncapped: {}. oneDNN is"
                                + " capped at {}={} in this process, where they are right and slower"
                                + " (docs/BENCHMARKS.md, section 12); set {} in the environment to choose yourself",
                        cpuModel(),
                        String.join(", ", uncapped),
                        ISA_CAP_VARIABLE,
                        SAFE_ISA_CAP,
                        ISA_CAP_VARIABLE);
            }
        }
        List<String> wrong = wrong(QUICK);
        if (!wrong.isEmpty() && cap == null) {
            UncappedCheck.rememberWrong(cache, libtorchVersion, wrong); // the next process caps itself
        }
        return wrong.isEmpty() ? RIGHT : failure(wrong, cpuModel(), cap);
    }

    /**
     * Prints each case of {@link #QUICK} that is wrong in this process, then {@link UncappedCheck#DONE}:
     * the child process of {@link UncappedCheck}, which runs it without a cap.
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        for (String wrong : wrong(QUICK)) {
            System.out.println(UncappedCheck.WRONG + wrong);
        }
        System.out.println(UncappedCheck.DONE);
    }

    /** The failure of {@code wrong} cases on {@code cpu} under oneDNN cap {@code cap} (or none). */
    static WrongEngineException failure(List<String> wrong, String cpu, String cap) {
        String finding =
                "the PyTorch engine computes wrong convolutions on this CPU (" + cpu + "): " + String.join(", ", wrong);
        String advice;
        if (cap == null) {
            advice = ". Run the command again (the next process caps oneDNN itself) or set " + ISA_CAP_VARIABLE + "="
                    + SAFE_ISA_CAP + " in the environment";
        } else if (cap.equals(SAFE_ISA_CAP)) {
            advice = ", even under " + ISA_CAP_VARIABLE + "=" + SAFE_ISA_CAP + ": no cap known helps here";
        } else {
            advice = ". " + ISA_CAP_VARIABLE + "=" + cap + " does not help here; try " + ISA_CAP_VARIABLE + "="
                    + SAFE_ISA_CAP;
        }
        advice += " (docs/RESULTS.md, 2026-12-05)";
        return new WrongEngineException(finding + advice);
    }

    /** "AMD EPYC, family 26, amd64" on Linux; the architecture alone elsewhere. */
    private static String cpuModel() {
        String model = null;
        String family = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String value = line.substring(line.indexOf(':') + 1).trim();
                if (model == null && line.startsWith("model name")) {
                    model = value;
                } else if (family == null && line.startsWith("cpu family")) {
                    family = value;
                }
            }
        } catch (Exception e) {
            // not Linux: the architecture alone
        }
        return (model == null ? "" : model + ", ")
                + (family == null ? "" : "family " + family + ", ")
                + System.getProperty("os.arch");
    }

    private static double maxError(NDManager parent, Case c) {
        // two images, not one: PyTorch sends a batch of one this small to its own convolution, not oneDNN's
        int n = 2;
        int size = 8;
        try (NDManager manager = parent.newSubManager()) {
            int padding = c.kernel() / 2;
            NDArray x = manager.randomNormal(new Shape(n, c.in(), size, size));
            NDArray w = manager.randomNormal(new Shape(c.out(), c.in(), c.kernel(), c.kernel()));
            NDArray input = c.channelsLast() ? Engines.channelsLast(x) : x;
            float[] y =
                    SlimConv2d.conv2d(input, w, null, c.stride(), padding, 1).toFloatArray();
            float[] expected = reference(
                    x.toFloatArray(), w.toFloatArray(), n, c.in(), size, c.out(), c.kernel(), c.stride(), padding);
            if (y.length != expected.length) {
                return Double.NaN;
            }
            double max = 0;
            for (int i = 0; i < y.length; i++) {
                max = Math.max(max, Math.abs(y[i] - expected[i]));
            }
            return max;
        }
    }

    /** Direct convolution of NCHW {@code x} with OIHW {@code w}, zero padding, summed in double. */
    private static float[] reference(
            float[] x, float[] w, int n, int in, int size, int out, int kernel, int stride, int padding) {
        int outSize = (size + 2 * padding - kernel) / stride + 1;
        float[] y = new float[n * out * outSize * outSize];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < outSize; i++) {
                    for (int j = 0; j < outSize; j++) {
                        double sum = 0;
                        for (int c = 0; c < in; c++) {
                            for (int u = 0; u < kernel; u++) {
                                for (int v = 0; v < kernel; v++) {
                                    int row = i * stride - padding + u;
                                    int col = j * stride - padding + v;
                                    if (row >= 0 && col >= 0 && row < size && col < size) {
                                        sum += x[((b * in + c) * size + row) * size + col]
                                                * w[((o * in + c) * kernel + u) * kernel + v];
                                    }
                                }
                            }
                        }
                        y[((b * out + o) * outSize + i) * outSize + j] = (float) sum;
                    }
                }
            }
        }
        return y;
    }
}
