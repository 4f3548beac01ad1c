package io.dialnet.experiment;

import io.dialnet.report.SubnetTable;
import io.dialnet.train.EpochMetrics;
import io.dialnet.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress on a console: a bar per epoch (step, loss, images/s, ETA) on a terminal, and
 * one summary line per epoch, the only output when the stream is a log.
 */
public final class ConsoleProgress implements TrainingListener {
    private final PrintWriter out;
    private final boolean bar;
    private int epochs;
    private int steps;
    private ProgressBar current;

    /** Draws the bar only when asked and when a terminal is attached; logs get the epoch lines only. */
    public ConsoleProgress(PrintWriter out, boolean bar) {
        this.out = out;
        this.bar = bar && System.console() != null;
    }

    @Override
    public void resumed(Path checkpoint, int epochsDone) {
        out.printf("resuming from %s after epoch %d%n", checkpoint, epochsDone);
        out.flush();
    }

    @Override
    public void notice(String message) {
        out.println("dialnet: " + message);
        out.flush();
    }

    @Override
    public void started(int firstEpoch, int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
    }

    @Override
    public void stepped(int epoch, int stepInEpoch, double loss, double imagesPerSecond) {
        if (!bar) {
            return;
        }
        if (current == null) {
            current = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                    .setInitialMax(steps)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .continuousUpdate()
                    .build();
        }
        current.stepTo(stepInEpoch);
        current.setExtraMessage(String.format(Locale.ROOT, "loss %.3f, %.0f img/s", loss, imagesPerSecond));
    }

    @Override
    public void epochEnded(EpochMetrics m) {
        if (current != null) {
            current.close();
            current = null;
        }
        String validation = m.validation() == null
                ? ""
                : " | val "
                        + m.validation().entrySet().stream()
                                .map(e -> e.getKey() + " " + SubnetTable.percent(e.getValue()))
                                .collect(Collectors.joining(", "));
        out.printf(
                Locale.ROOT,
                "epoch %d/%d  loss %.4f  train %s  %.0f img/s  %.0f s%s%n",
                m.epoch(),
                epochs,
                m.loss(),
                SubnetTable.percent(m.trainAccuracy()),
                m.imagesPerSecond(),
                m.seconds(),
                validation);
        out.flush();
    }
}
