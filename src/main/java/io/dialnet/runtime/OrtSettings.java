package io.dialnet.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Locale;

/**
 * How an ONNX Runtime session is set up; one place, so {@code serve}, the latency profile and
 * the settings benchmark ({@code dialnet bench dial --ort-settings}) agree. Each default is the
 * measured choice of docs/BENCHMARKS.md (section 9, "ONNX Runtime settings, each measured").
 *
 * @param level graph optimisation level: {@code basic}, {@code extended} or {@code all}
 * @param nchwc whether the NCHWc layout transformer runs (it blocks channels by the SIMD width)
 * @param arena whether the CPU memory arena is used
 * @param spinning whether idle intra-op threads spin (faster hand-offs, but they take the cores
 *     from every other thread in the process)
 */
public record OrtSettings(String level, boolean nchwc, boolean arena, boolean spinning) {
    /** What serving uses. */
    public static final OrtSettings SERVING = new OrtSettings("all", true, true, false);

    public OrtSettings {
        if (!level.equals("basic") && !level.equals("extended") && !level.equals("all")) {
            throw new IllegalArgumentException(
                    "ONNX Runtime optimisation level '" + level + "' is not one of basic, extended, all");
        }
    }

    /** Applies these settings and {@code threads} (0 = ONNX Runtime's default) to {@code options}. */
    public void apply(OrtSession.SessionOptions options, int threads) throws OrtException {
        if (threads > 0) {
            options.setIntraOpNumThreads(threads);
        }
        options.setOptimizationLevel(
                switch (level) {
                    case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                    case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                    default -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
                });
        if (!nchwc) {
            options.addConfigEntry("optimization.disable_specified_optimizers", "NchwcTransformer");
        }
        options.setCPUArenaAllocator(arena);
        options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
    }

    /**
     * Settings written as {@code level=all,nchwc=on,arena=on,spinning=off}; keys left out keep
     * their serving value.
     */
    public static OrtSettings parse(String text) {
        return parse(text, "ONNX Runtime settings");
    }

    /** As {@link #parse(String)}; an error names {@code option}, where the text came from. */
    public static OrtSettings parse(String text, String option) {
        try {
            return parsed(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " '" + text + "': " + e.getMessage(), e);
        }
    }

    private static OrtSettings parsed(String text) {
        OrtSettings s = SERVING;
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("ONNX Runtime setting '" + part + "' is not key=value");
            }
            String v = kv[1].trim().toLowerCase(Locale.ROOT);
            s = switch (kv[0].trim()) {
                case "level" -> new OrtSettings(v, s.nchwc, s.arena, s.spinning);
                case "nchwc" -> new OrtSettings(s.level, onOff(kv[0], v), s.arena, s.spinning);
                case "arena" -> new OrtSettings(s.level, s.nchwc, onOff(kv[0], v), s.spinning);
                case "spinning" -> new OrtSettings(s.level, s.nchwc, s.arena, onOff(kv[0], v));
                default ->
                    throw new IllegalArgumentException(
                            "unknown ONNX Runtime setting '" + kv[0] + "'; known: level, nchwc, arena, spinning");
            };
        }
        return s;
    }

    private static boolean onOff(String key, String value) {
        return switch (value) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default ->
                throw new IllegalArgumentException(
                        "ONNX Runtime setting " + key + "=" + value + ": expected on or off");
        };
    }

    @Override
    public String toString() {
        return "level=" + level + ",nchwc=" + (nchwc ? "on" : "off") + ",arena=" + (arena ? "on" : "off") + ",spinning="
                + (spinning ? "on" : "off");
    }
}
