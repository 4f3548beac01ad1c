import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

/**
 * Milliseconds per forward and backward pass of one 3x3 convolution over 128 images (3 warm-up
 * passes, then the mean of 10): compares oneDNN caps on one machine, e.g.
 *
 * <pre>
 * for cap in SSE41 AVX2 AVX512_CORE; do DNNL_MAX_CPU_ISA=$cap java -Dai.djl.offline=true \
 *   -cp "target/dialnet.jar:target/lib/*" bench/engine/ConvolutionSpeed.java 16 16 32; done
 * </pre>
 *
 * Arguments: input channels, output channels, image side. Nothing else should run beside it.
 */
public class ConvolutionSpeed {
    public static void main(String[] args) {
        int in = Integer.parseInt(args[0]);
        int out = Integer.parseInt(args[1]);
        int side = Integer.parseInt(args[2]);
        int batch = 128;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(batch, in, side, side));
            NDArray w = manager.randomNormal(new Shape(out, in, 3, 3));
            w.setRequiresGradient(true);
            for (int i = 0; i < 3; i++) {
                pass(x, w);
            }
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                pass(x, w);
            }
            System.out.printf("DNNL_MAX_CPU_ISA=%s %d->%d 3x3 on %dx%d, batch %d: %.1f ms per forward and backward%n",
                    System.getenv().getOrDefault("DNNL_MAX_CPU_ISA", "(unset)"), in, out, side, side, batch,
                    (System.nanoTime() - start) / 1e7);
        }
    }

    private static void pass(NDArray x, NDArray w) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                    .singletonOrThrow();
            collector.backward(y.sum());
        }
    }
}
