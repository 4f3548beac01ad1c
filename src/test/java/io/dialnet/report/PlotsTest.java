package io.dialnet.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
class PlotsTest {
    @TempDir
    Path dir;

    /**
     * Issue 14: {@code bench latency --plot} drew batch 1 and batch 64 on one linear latency axis,
     * so batch 1 was a vertical line at zero. Each batch size gets its own panel and axis.
     */
    @Test
    void issue14EachBatchSizeGetsItsOwnLatencyPanel() throws Exception {
        List<Plots.LatencyPoint> points = new ArrayList<>();
        double[] accuracy = {0.92, 0.90, 0.86, 0.80};
        for (int i = 0; i < accuracy.length; i++) {
            double scale = 1.0 / (1 << i);
            points.add(new Plots.LatencyPoint("onnxruntime", 1, 0.5 * scale, accuracy[i]));
            points.add(new Plots.LatencyPoint("onnxruntime", 64, 20 * scale, accuracy[i]));
            points.add(new Plots.LatencyPoint("djl", 1, 2 * scale, accuracy[i]));
            points.add(new Plots.LatencyPoint("djl", 64, 40 * scale, accuracy[i]));
        }
        Path two = dir.resolve("two.png");
        Plots.accuracyVsLatency(points, "resnet20", two);
        Path one = dir.resolve("one.png");
        Plots.accuracyVsLatency(points.stream().filter(p -> p.batchSize() == 1).toList(), "resnet20", one);
        BufferedImage twoPanels = ImageIO.read(two.toFile());
        BufferedImage onePanel = ImageIO.read(one.toFile());
        assertThat(twoPanels.getHeight()).isEqualTo(onePanel.getHeight());
        assertThat(twoPanels.getWidth()).isGreaterThan(onePanel.getWidth()).isGreaterThanOrEqualTo(2 * 500);
        // the batch-1 panel's points spread across its axis: the left half of the left panel holds series colour
        assertThat(hasColour(twoPanels, 0x0072B2, 60, twoPanels.getWidth() / 4))
                .as("batch-1 series drawn away from the axis origin")
                .isTrue();
    }

    /** The equal-compute view: one point per method, each in its own colour so the legend names it. */
    @Test
    void eachMethodIsItsOwnPointAgainstCost() throws Exception {
        Path png = dir.resolve("cost.png");
        Plots.accuracyVsCost(
                List.of(new Plots.CostPoint("uniform", 1.0, 0.77), new Plots.CostPoint("progressive", 1.9, 0.81)),
                "resnet20",
                "x US-Nets",
                png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(hasColour(image, 0x0072B2, 0, image.getWidth())).isTrue();
        assertThat(hasColour(image, 0xE69F00, 0, image.getWidth())).isTrue();
    }

    private static boolean hasColour(BufferedImage image, int rgb, int fromX, int toX) {
        for (int x = fromX; x < toX; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }
}
