package io.dialnet.bench;

import io.dialnet.Provenance;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How a {@link TrainingThroughput.Result} is reported: as text, a line a measurement, or as JSON. */
final class ThroughputReport {
    private ThroughputReport() {}

    /** The set-up, then throughput and CPU cost, a line each. */
    static String text(TrainingThroughput.Result r) {
        return setup(r) + throughput(r) + cpu(r);
    }

    private static String setup(TrainingThroughput.Result r) {
        TrainingThroughput settings = r.settings();
        return String.format(
                Locale.ROOT,
                "%s, %s, batch %d, %s, %d threads, %d rounds of %d steps%n",
                settings.model(),
                settings.strategy(),
                settings.batchSize(),
                r.devices(),
                r.threads(),
                settings.rounds(),
                settings.steps());
    }

    private static String throughput(TrainingThroughput.Result r) {
        return String.format(Locale.ROOT, "training, preloaded batches   %8.1f images/s%n", r.preloadedMedian())
                + String.format(
                        Locale.ROOT,
                        "training, real loader         %8.1f images/s  (%.1f%% of preloaded)%n",
                        r.loaderMedian(),
                        100 * r.loaderMedian() / r.preloadedMedian())
                + String.format(
                        Locale.ROOT,
                        "loader alone (%d thread%s)     %8.1f images/s%n",
                        r.loaderThreads(),
                        r.loaderThreads() > 1 ? "s" : "",
                        r.loaderAlone());
    }

    private static String cpu(TrainingThroughput.Result r) {
        double loaderShare = 100 * r.loaderCpuMsPerImage() / r.trainingCpuMsPerImage();
        return String.format(
                Locale.ROOT,
                "CPU per image: training step %.1f ms, loader %.2f ms (%.0f images per core-second; "
                        + "%.1f%% of the step)%n",
                r.trainingCpuMsPerImage(),
                r.loaderCpuMsPerImage(),
                1000 / r.loaderCpuMsPerImage(),
                loaderShare);
    }

    /** Settings, medians, CPU costs, every round and the provenance. */
    static Map<String, Object> json(TrainingThroughput.Result r) {
        TrainingThroughput settings = r.settings();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", settings.model());
        report.put("strategy", settings.strategy());
        report.put("batch_size", settings.batchSize());
        report.put("device", r.devices());
        report.put("data", settings.data() == null ? "random" : settings.data());
        report.put("preloaded_images_per_s", r.preloadedMedian());
        report.put("loader_images_per_s", r.loaderMedian());
        report.put("loader_vs_preloaded", r.loaderMedian() / r.preloadedMedian());
        report.put("loader_alone_images_per_s", r.loaderAlone());
        report.put("loader_threads", r.loaderThreads());
        // CPU time per image (all threads of the process): what each costs a core, whatever else the machine runs
        report.put("training_cpu_ms_per_image", r.trainingCpuMsPerImage());
        report.put("loader_cpu_ms_per_image", r.loaderCpuMsPerImage());
        report.put("loader_images_per_cpu_s", 1000 / r.loaderCpuMsPerImage());
        report.put("rounds_preloaded", r.preloaded());
        report.put("rounds_loader", r.loader());
        report.put("provenance", Provenance.current(r.threads()));
        return report;
    }
}
