package io.dialnet.report;

import io.dialnet.train.SubnetResult;
import io.dialnet.AtomicFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of accuracy against cost, one curve per method or run. */
public final class Plots {
    private Plots() {}

    /**
     * Validation accuracy (%) against MACs (millions), one series per entry, written atomically to
     * {@code png}. Test accuracy is used instead where {@code useTest} and a subnet has it.
     */
    public static void accuracyVsMacs(Map<String, List<SubnetResult>> series, String title, boolean useTest, Path png) {
        XYChart chart = new XYChartBuilder().width(800).height(560).title(title).xAxisTitle("MACs (millions)")
                .yAxisTitle((useTest ? "test" : "validation") + " accuracy (%)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setMarkerSize(8);
        series.forEach((name, subnets) -> {
            double[] x = subnets.stream().mapToDouble(s -> s.macs() / 1e6).toArray();
            double[] y = subnets.stream()
                    .mapToDouble(s -> 100 * (useTest && s.testAccuracy() != null ? s.testAccuracy()
                            : s.validationAccuracy()))
                    .toArray();
            XYSeries line = chart.addSeries(name, x, y);
            line.setMarker(SeriesMarkers.CIRCLE);
        });
        write(chart, png);
    }

    static void write(XYChart chart, Path png) {
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
