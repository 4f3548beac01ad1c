package io.dialnet.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dialnet.Ids;
import io.dialnet.search.SearchMethod;
import io.dialnet.train.Strategy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The arms of a {@link Comparison}, in the order they run (a search before the arm that trains its
 * plans alone): the one registry of what each arm is. Its {@link #id()} names the arm's directory
 * and its rows in reports, and is what {@code --methods} takes.
 */
public enum Arm {
    /** Each width trained alone; its full width is the searches' background. */
    INDIVIDUAL(Kind.INDIVIDUAL, Strategy.INDIVIDUAL, null),
    /** US-Nets on the uniform widths. */
    UNIFORM(Kind.WIDTHS, Strategy.UNIFORM, null),
    PROGRESSIVE(Kind.SEARCH, null, SearchMethod.PROGRESSIVE),
    ALONE_PROGRESSIVE(Kind.ALONE, Strategy.INDIVIDUAL, SearchMethod.PROGRESSIVE),
    /** The progressive search's cuts with each ranking, before any fine-tuning. */
    ABLATION(Kind.ABLATION, null, SearchMethod.PROGRESSIVE),
    /** The uniform widths trained together with switchable BatchNorm (S-Nets). */
    JOINT(Kind.WIDTHS, Strategy.JOINT, null),
    MULTIPATH(Kind.SEARCH, null, SearchMethod.MULTIPATH),
    SINGLEPATH(Kind.SEARCH, null, SearchMethod.SINGLEPATH),
    ALONE_MULTIPATH(Kind.ALONE, Strategy.INDIVIDUAL, SearchMethod.MULTIPATH),
    ALONE_SINGLEPATH(Kind.ALONE, Strategy.INDIVIDUAL, SearchMethod.SINGLEPATH),
    /**
     * The uniform widths trained together (as {@link #JOINT}) from the searches' background, with
     * progressive's final-training schedule: progressive without its search, a control for how
     * much of progressive's gain its plans bring (not in the registered protocol).
     */
    JOINT_BACKGROUND(Kind.WIDTHS, Strategy.JOINT, null),
    /**
     * US-Nets trained for as many epochs as give it at least the progressive arm's compute: the
     * equal-compute baseline, where the registered comparison is at equal epochs (not in the
     * registered protocol).
     */
    UNIFORM_BUDGET(Kind.WIDTHS, Strategy.UNIFORM, null);

    /** The prefix of the arms that train a search's plans alone. */
    public static final String ALONE_PREFIX = "alone-";

    /** What an arm does. */
    public enum Kind {
        /** One training run per width. */
        INDIVIDUAL,
        /** One training run of all widths with a strategy. */
        WIDTHS,
        /** A subnet search. */
        SEARCH,
        /** Every plan a search delivered, trained alone ("the same subnets trained individually", DAC 2020). */
        ALONE,
        /** The ranking ablation. */
        ABLATION
    }

    private final Kind kind;
    private final Strategy strategy;
    private final SearchMethod search;

    Arm(Kind kind, Strategy strategy, SearchMethod search) {
        this.kind = kind;
        this.strategy = strategy;
        this.search = search;
    }

    public Kind kind() {
        return kind;
    }

    /** The training strategy of the width arms and the arms that train plans alone, else {@code null}. */
    public Strategy strategy() {
        return strategy;
    }

    /** The search of a search arm, or whose plans an {@code alone-} arm trains, else {@code null}. */
    public SearchMethod search() {
        return search;
    }

    /** The search arm whose plans this {@code alone-} arm trains. */
    public Arm searchArm() {
        return named(search.id());
    }

    /** For a search arm, the arm that trains its plans alone; else {@code null}. */
    public Arm aloneArm() {
        return kind == Kind.SEARCH ? named(ALONE_PREFIX + search.id()) : null;
    }

    /** {@code individual}, {@code alone-progressive}, ...: the name in files and on the command line. */
    @JsonValue
    public String id() {
        return switch (kind) {
            case SEARCH -> search.id();
            case ALONE -> ALONE_PREFIX + search.id();
            default -> name().toLowerCase(Locale.ROOT).replace('_', '-');
        };
    }

    /** The arm named {@code name}, or an error naming {@code --methods} and the known ones. */
    @JsonCreator
    public static Arm named(String name) {
        return Ids.lookup(values(), Arm::id, name, () -> "--methods: unknown method '" + name + "'");
    }

    /** Every arm's name, in run order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Arm::id).toList();
    }

    @Override
    public String toString() {
        return id();
    }
}
