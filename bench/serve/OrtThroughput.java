import io.dialnet.runtime.DynamicModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ONNX Runtime back end's own batch-1 throughput, without HTTP: WORKERS threads call
 * {@code DynamicModel.predict} on one subnet back to back for SECONDS (after a warm-up), as the
 * server's workers do. Run from the repository root after {@code mvn -DskipTests package}:
 * <pre>java -cp "target/dialnet.jar:target/lib/*" bench/serve/OrtThroughput.java MODEL SUBNET SECONDS WORKERS THREADS</pre>
 */
public final class OrtThroughput {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        String subnet = args[1];
        double seconds = Double.parseDouble(args[2]);
        int workers = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        try (DynamicModel m = DynamicModel.load(model, DynamicModel.Backend.ONNXRUNTIME, threads)) {
            var spec = m.manifest().model();
            float[] image = new float[spec.inputChannels() * spec.inputSize() * spec.inputSize()];
            for (int i = 0; i < image.length; i++) {
                image[i] = ((i % 7) - 3) * 0.3f;
            }
            for (int i = 0; i < 300; i++) {
                m.predict(image, 1, subnet);
            }
            AtomicLong calls = new AtomicLong();
            long[][] lat = new long[workers][];
            long end = System.nanoTime() + (long) (seconds * 1e9);
            Thread[] ts = new Thread[workers];
            for (int w = 0; w < workers; w++) {
                int id = w;
                ts[w] = new Thread(() -> {
                    long[] mine = new long[1 << 20];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        m.predict(image, 1, subnet);
                        if (n < mine.length) {
                            mine[n++] = System.nanoTime() - t;
                        }
                        calls.incrementAndGet();
                    }
                    lat[id] = Arrays.copyOf(mine, n);
                });
                ts[w].start();
            }
            long start = System.nanoTime();
            for (Thread t : ts) {
                t.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] all = Arrays.stream(lat).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("{\"run\": \"ort-%s-w%d-t%d\", \"calls_per_s\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f,"
                    + " \"mean_ms\": %.3f}%n", subnet, workers, threads, calls.get() / elapsed,
                    all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6,
                    Arrays.stream(all).average().orElse(0) / 1e6);
        }
    }
}
