package io.dialnet.report;

import io.dialnet.AtomicFiles;
import io.dialnet.train.SubnetResult;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of accuracy against cost: MACs (one curve per method or run) or measured latency. */
public final class Plots {
    /** The Okabe-Ito palette (distinguishable with colour-blindness), paired with distinct markers. */
    private static final Color[] COLORS = {
        new Color(0x0072B2),
        new Color(0xE69F00),
        new Color(0x009E73),
        new Color(0xD55E00),
        new Color(0xCC79A7),
        new Color(0x56B4E9),
        Color.BLACK
    };

    private static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE,
        SeriesMarkers.DIAMOND,
        SeriesMarkers.SQUARE,
        SeriesMarkers.TRIANGLE_UP,
        SeriesMarkers.TRIANGLE_DOWN,
        SeriesMarkers.CROSS,
        SeriesMarkers.OVAL
    };

    private Plots() {}

    /**
     * Validation accuracy (%) against MACs (millions), one series per entry, written atomically to
     * {@code png}. Test accuracy is used instead where {@code useTest} and a subnet has it.
     */
    public static void accuracyVsMacs(Map<String, List<SubnetResult>> series, String title, boolean useTest, Path png) {
        XYChart chart =
                chart(880, 560, title, "MACs (millions)", (useTest ? "test" : "validation") + " accuracy (%)", true);
        series.forEach((name, subnets) -> {
            double[] x = subnets.stream().mapToDouble(s -> s.macs() / 1e6).toArray();
            double[] y = subnets.stream()
                    .mapToDouble(s ->
                            100 * (useTest && s.testAccuracy() != null ? s.testAccuracy() : s.validationAccuracy()))
                    .toArray();
            chart.addSeries(name, x, y);
        });
        write(chart, png);
    }

    /** One method's accuracy at its total cost: a point of the equal-compute view. */
    public record CostPoint(String name, double cost, double accuracy) {}

    /**
     * Accuracy (%) against total cost, one point per method so each has its own legend entry,
     * written atomically to {@code png}.
     */
    public static void accuracyVsCost(List<CostPoint> points, String title, String costAxis, Path png) {
        XYChart chart = chart(880, 560, title, costAxis, "test accuracy, mean over subnets (%)", true);
        chart.getStyler().setMarkerSize(11);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setXAxisMin(0.0);
        for (CostPoint p : points) {
            chart.addSeries(p.name(), new double[] {p.cost()}, new double[] {100 * p.accuracy()});
        }
        write(chart, png);
    }

    /**
     * One measured latency of a subnet.
     *
     * @param backend the back end that ran it
     * @param batchSize images per call
     * @param p50Ms median milliseconds per call
     * @param accuracy the subnet's validation accuracy in [0, 1]
     */
    public record LatencyPoint(String backend, int batchSize, double p50Ms, double accuracy) {}

    /**
     * Validation accuracy (%) against median latency per call, one panel per batch size side by
     * side, each with its own latency axis (batch 1 and batch 64 differ by more than an order of
     * magnitude: on one axis the batch-1 points would sit in a column at zero), one series per
     * back end, the same accuracy range in every panel; written atomically to {@code png}.
     */
    public static void accuracyVsLatency(List<LatencyPoint> points, String title, Path png) {
        List<Integer> batches =
                points.stream().map(LatencyPoint::batchSize).distinct().sorted().toList();
        double low = points.stream().mapToDouble(p -> 100 * p.accuracy()).min().orElse(0);
        double high = points.stream().mapToDouble(p -> 100 * p.accuracy()).max().orElse(100);
        double pad = Math.max(1, (high - low) * 0.08);
        List<BufferedImage> panels = new ArrayList<>();
        for (int batch : batches) {
            // every panel on the same accuracy axis, so the panels compare at a glance
            XYChart chart = latencyPanel(title + ", batch " + batch, batches.size() == 1 ? 800 : 560);
            chart.getStyler().setYAxisMin(Math.floor(low - pad));
            chart.getStyler().setYAxisMax(Math.ceil(high + pad));
            addBackendSeries(chart, points, batch);
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        BufferedImage all = sideBySide(panels);
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(all, "png", out)) {
                throw new IOException("no PNG writer");
            }
        });
    }

    /** An empty accuracy-against-latency chart {@code width} pixels wide, latency from 0. */
    private static XYChart latencyPanel(String title, int width) {
        XYChart chart = chart(width, 520, title, "p50 latency per call (ms)", "validation accuracy (%)", false);
        chart.getStyler().setXAxisMin(0.0);
        return chart;
    }

    /** One series per back end (in the order the points name them) of the points measured at {@code batch}. */
    private static void addBackendSeries(XYChart chart, List<LatencyPoint> points, int batch) {
        List<String> backends =
                points.stream().map(LatencyPoint::backend).distinct().toList();
        for (String backend : backends) {
            // in the order given (subnets largest first): a smaller subnet that is not faster shows as a step back
            List<LatencyPoint> series = points.stream()
                    .filter(p -> p.batchSize() == batch && p.backend().equals(backend))
                    .toList();
            if (!series.isEmpty()) {
                chart.addSeries(
                        backend,
                        series.stream().mapToDouble(LatencyPoint::p50Ms).toArray(),
                        series.stream().mapToDouble(p -> 100 * p.accuracy()).toArray());
            }
        }
    }

    /** The panels left to right on a white background. */
    private static BufferedImage sideBySide(List<BufferedImage> panels) {
        int width = panels.stream().mapToInt(BufferedImage::getWidth).sum();
        int height = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(1);
        BufferedImage all = new BufferedImage(Math.max(1, width), height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        int x = 0;
        for (BufferedImage panel : panels) {
            g.drawImage(panel, x, 0, null);
            x += panel.getWidth();
        }
        g.dispose();
        return all;
    }

    /** An empty chart in the shared palette and markers, its legend outside on the right or inside bottom right. */
    private static XYChart chart(int width, int height, String title, String x, String y, boolean legendOutside) {
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(x)
                .yAxisTitle(y)
                .build();
        chart.getStyler()
                .setLegendPosition(legendOutside ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.InsideSE);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setSeriesColors(COLORS);
        chart.getStyler().setSeriesMarkers(MARKERS);
        return chart;
    }

    static void write(XYChart chart, Path png) {
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
