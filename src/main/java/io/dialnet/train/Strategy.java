package io.dialnet.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dialnet.Ids;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.SlimmableNetwork;
import java.util.List;
import java.util.Locale;

/**
 * How a slimmable network is trained: which subnets each step runs ({@link #sampler}) and how
 * BatchNorm is treated. Everything else (optimiser, schedule, data order) is shared by all
 * strategies, so comparisons between them are fair (docs/ARCHITECTURE.md, "Methods").
 *
 * <p>Written to checkpoints and results as its lower-case {@link #id()} ({@code "uniform"}), the
 * text older files hold.
 */
public enum Strategy {
    /** One fixed subnet trained alone: the "each subnet trained separately" baseline. */
    INDIVIDUAL("individual", false, false) {
        @Override
        Sampler sampler(TrainConfig config, SlimmableNetwork network, List<ChannelPlan> plans) {
            return random -> plans;
        }
    },
    /**
     * US-Nets (Yu and Huang, ICCV 2019): the sandwich rule every step, shared BatchNorm scale and
     * shift, statistics calibrated per subnet afterwards because random widths were trained.
     */
    UNIFORM("uniform", false, true) {
        @Override
        Sampler sampler(TrainConfig config, SlimmableNetwork network, List<ChannelPlan> plans) {
            return Method.sandwich(config, network);
        }
    },
    /** S-Nets style: a fixed list of subnets, every one every step, each with its own BatchNorm. */
    JOINT("joint", true, false) {
        @Override
        Sampler sampler(TrainConfig config, SlimmableNetwork network, List<ChannelPlan> plans) {
            return random -> plans;
        }
    };

    private final String id;
    private final boolean privateAffine;
    private final boolean calibrate;

    Strategy(String id, boolean privateAffine, boolean calibrate) {
        this.id = id;
        this.privateAffine = privateAffine;
        this.calibrate = calibrate;
    }

    /** The subnets one step trains, given the subnets the strategy delivers ({@code plans}, largest first). */
    abstract Sampler sampler(TrainConfig config, SlimmableNetwork network, List<ChannelPlan> plans);

    /** The name on the command line and in files: {@code individual}, {@code uniform} or {@code joint}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** Whether each subnet owns its BatchNorm scale and shift (switchable BatchNorm). */
    public boolean privateAffine() {
        return privateAffine;
    }

    /** Whether BatchNorm statistics are re-estimated after training (the subnets were not trained step by step). */
    public boolean calibrate() {
        return calibrate;
    }

    /** Whether smaller subnets can learn from the largest's soft output: not when a subnet is trained alone. */
    public boolean canDistill() {
        return this != INDIVIDUAL;
    }

    /** Whether the strategy trains {@code subnets} subnets: one at most alone, at least one otherwise. */
    boolean admits(int subnets) {
        return this == INDIVIDUAL ? subnets <= 1 : subnets >= 1;
    }

    /** The strategy named {@code name} (any case), or an error naming {@code --strategy} and the known ones. */
    @JsonCreator
    public static Strategy named(String name) {
        return Ids.lookup(
                values(),
                Strategy::id,
                name == null ? null : name.toLowerCase(Locale.ROOT),
                () -> "--strategy: " + name + " is not a strategy");
    }

    /** The known names, comma-separated, for help texts and errors. */
    public static String known() {
        return Ids.known(values(), Strategy::id);
    }

    @Override
    public String toString() {
        return id;
    }
}
