package io.dialnet.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.dialnet.AtomicFiles;
import io.dialnet.Json;
import io.dialnet.data.DataRecipe;
import io.dialnet.data.DataRequest;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import io.dialnet.report.Plots;
import io.dialnet.train.TrainConfig;
import io.dialnet.train.TrainingListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A comparison as {@code compare} starts it: every method on one model and data set with the
 * same seed, recipe and epochs, scheduled by a {@link Preset}; the arms go into sub-directories of
 * {@link #out} (see {@link Comparison}) and the reports beside them: {@value #JSON} (every arm's
 * results, the model, data and settings), {@value #TABLE} and {@value #PLOT} (one curve per method).
 *
 * @param presetName the preset's name, recorded in the report
 * @param methods the arms to run, or {@code null} for the preset's
 * @param widths the uniform widths, full first; the searches' targets are their exact MACs
 * @param groupSize channels per group, or 0 for the preset's
 * @param recipe every arm's recipe
 */
public record ComparePlan(
        String presetName,
        Preset preset,
        List<Arm> methods,
        List<Double> widths,
        String architecture,
        int groupSize,
        TrainConfig recipe,
        Path out) {
    public static final String JSON = "compare.json";
    public static final String TABLE = "compare.md";
    public static final String PLOT = "compare.png";
    /** Test images held out of data without a test set: subnet filtering chooses on the validation split. */
    static final int TEST_HOLDOUT = 5000;

    /**
     * The comparison the options ask for: preset {@code presetName} (with {@code epochs} when not
     * {@code null}), {@code widths} (null: {@link TrainConfig#UNIFORM_WIDTHS}) and {@code seed}.
     */
    public static ComparePlan of(
            String presetName,
            Integer epochs,
            List<Arm> methods,
            List<Double> widths,
            String architecture,
            int groupSize,
            long seed,
            Path out) {
        Preset preset = Preset.named(presetName, epochs != null ? epochs : 0);
        return new ComparePlan(
                presetName,
                preset,
                methods,
                widths != null ? widths : TrainConfig.UNIFORM_WIDTHS,
                architecture,
                groupSize,
                preset.recipe(seed),
                out);
    }

    /** Runs (or resumes) every arm on {@code device}, writes the reports and returns the markdown table. */
    public String run(DataRequest data, Device device, TrainingListener listener) {
        // Subnet filtering chooses on the validation split, so the final numbers need images no method chose on.
        DataRecipe.Prepared prepared = preset.applyTo(data).prepare(recipe.seed(), TEST_HOLDOUT, null);
        ModelSpec modelSpec =
                preset.modelSpec(architecture, groupSize, prepared.split().train());
        try (NDManager manager = NDManager.newBaseManager(device)) {
            List<Double> targets;
            try (SlimmableNetwork probe = ModelZoo.create(modelSpec, manager, recipe.seed())) {
                targets = Comparison.targetsFor(probe, widths);
            }
            Comparison.Settings settings = preset.settings(targets, methods, widths, recipe);
            Comparison.Outcome outcome = Comparison.run(
                    settings, () -> ModelZoo.create(modelSpec, manager, recipe.seed()), prepared, out, listener);
            return report(outcome, modelSpec, prepared, settings);
        }
    }

    /** Writes the three reports; returns the markdown table. */
    private String report(
            Comparison.Outcome outcome, ModelSpec modelSpec, DataRecipe.Prepared data, Comparison.Settings settings) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("methods", outcome.methods());
        report.put("ablation", outcome.ablation());
        report.put("model", modelSpec);
        report.put("data", data.recipe());
        report.put("preset", presetName);
        report.put("settings", settings);
        AtomicFiles.write(out.resolve(JSON), Json.pretty(report));
        String table = preset.note(presetName) + "\n\n"
                + ComparisonTable.markdown(outcome.methods()) + "\n"
                + ComparisonTable.matchedMacs(outcome.methods(), List.of(Arm.UNIFORM.id(), Arm.INDIVIDUAL.id()));
        AtomicFiles.write(out.resolve(TABLE), table.getBytes(StandardCharsets.UTF_8));
        // the final numbers are on the test split, where there is one; choices were made on validation
        Plots.accuracyVsMacs(
                Comparison.curves(outcome.methods()),
                modelSpec.architecture() + " on " + data.recipe().source(),
                Comparison.tested(outcome.methods()),
                out.resolve(PLOT));
        return table;
    }
}
