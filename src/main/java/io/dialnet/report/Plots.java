package io.dialnet.report;

import io.dialnet.AtomicFiles;
import io.dialnet.train.SubnetResult;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of accuracy against cost, one curve per method or run. */
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
        XYChart chart = new XYChartBuilder()
                .width(880)
                .height(560)
                .title(title)
                .xAxisTitle("MACs (millions)")
                .yAxisTitle((useTest ? "test" : "validation") + " accuracy (%)")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setSeriesColors(COLORS);
        chart.getStyler().setSeriesMarkers(MARKERS);
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

    /** A point of a plot. */
    public record Point(double x, double y) {}

    /**
     * Validation accuracy (%) against measured p50 latency (ms), one series per entry (series
     * without points are left out), written atomically to {@code png}.
     */
    public static void accuracyVsLatency(Map<String, List<Point>> series, Path png) {
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(560)
                .title("accuracy vs measured latency")
                .xAxisTitle("p50 latency (ms)")
                .yAxisTitle("validation accuracy (%)")
                .build();
        series.forEach((name, points) -> {
            if (!points.isEmpty()) {
                chart.addSeries(
                        name,
                        points.stream().map(Point::x).toList(),
                        points.stream().map(Point::y).toList());
            }
        });
        write(chart, png);
    }

    static void write(XYChart chart, Path png) {
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
