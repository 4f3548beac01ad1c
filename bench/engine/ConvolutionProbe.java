import io.dialnet.nn.ConvolutionCheck;
import io.dialnet.nn.ConvolutionCheck.Case;
import java.util.ArrayList;
import java.util.List;

/**
 * Which convolutions this machine's engine gets wrong: the engine-start check (timed), the full grid
 * of subnet widths, then odd channel counts no shipped model uses. Run from the project root after {@code mvn -DskipTests
 * package}, with and without a cap such as {@code DNNL_MAX_CPU_ISA=SSE41}:
 *
 * <pre>java -Dai.djl.offline=true -cp "target/dialnet.jar:target/lib/*" bench/engine/ConvolutionProbe.java</pre>
 */
public class ConvolutionProbe {
    public static void main(String[] args) {
        ai.djl.engine.Engine.getEngine("PyTorch"); // loaded first, as Engines.start does before its check
        long start = System.nanoTime(); // the first convolutions in a fresh JVM, as at engine start
        List<String> quick = ConvolutionCheck.wrong(ConvolutionCheck.QUICK);
        System.out.printf("engine-start check: %d cases, %d wrong, %.1f ms%n", ConvolutionCheck.QUICK.size(),
                quick.size(), (System.nanoTime() - start) / 1e6);
        List<Case> odd = new ArrayList<>();
        for (int in : new int[] {1, 2, 5, 6, 7, 9, 10, 11, 13, 14, 17, 18, 22, 26, 30, 33, 36, 44, 52, 60, 66, 72, 80, 96, 100, 128}) {
            for (int out : new int[] {5, 6, 16, 18, 40}) {
                for (boolean channelsLast : new boolean[] {false, true}) {
                    odd.add(new Case(in, out, 3, 1, channelsLast));
                    odd.add(new Case(in, out, 1, 1, channelsLast));
                }
            }
        }
        report("subnet-width grid", ConvolutionCheck.fullGrid());
        report("odd channel counts", odd);
    }

    private static void report(String name, List<Case> cases) {
        List<String> wrong = ConvolutionCheck.wrong(cases);
        System.out.printf("%s: %d cases, %d wrong%n", name, cases.size(), wrong.size());
        wrong.forEach(w -> System.out.println("  " + w));
    }
}
