package io.dialnet.train;

import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.SlimmableNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A training method: its {@link Sampler} and how it treats BatchNorm. Methods differ only here;
 * the trainer, optimiser, schedule and data order are shared, so comparisons are fair. A
 * {@link Strategy} makes one from a {@link TrainConfig} ({@link #of}); a search builds its phases'
 * methods itself.
 *
 * @param name what it is called in results: the strategy's name, or the search's
 * @param sampler which subnets each step trains
 * @param subnets the subnets the method delivers (registered for BatchNorm state, evaluated, shipped)
 * @param privateAffine whether each subnet owns its BatchNorm scale and shift (switchable BN)
 * @param calibrate whether BatchNorm statistics are re-estimated after training, because the
 *     subnets were not the ones trained step by step
 * @param distill whether smaller subnets learn from the first one's soft output
 * @param regularizer a penalty added to every step's loss, or {@code null}
 */
public record Method(
        String name,
        Sampler sampler,
        List<Subnet> subnets,
        boolean privateAffine,
        boolean calibrate,
        boolean distill,
        Regularizer regularizer) {

    /** This method with {@code penalty} added to every step's loss. */
    public Method withRegularizer(Regularizer penalty) {
        return new Method(name, sampler, subnets, privateAffine, calibrate, distill, penalty);
    }

    /** The method {@code config}'s strategy makes of its widths or plans on {@code network}. */
    public static Method of(TrainConfig config, SlimmableNetwork network) {
        Strategy strategy = config.strategy();
        List<Subnet> subnets = subnets(config, network);
        List<ChannelPlan> plans = subnets.stream().map(Subnet::plan).toList();
        return new Method(
                strategy.id(),
                strategy.sampler(config, network, plans),
                subnets,
                strategy.privateAffine(),
                strategy.calibrate(),
                strategy.canDistill() && config.distill(),
                null);
    }

    /**
     * Joint training of exactly {@code subnets}, every one every step (the search's fine-tuning and
     * final training), with BatchNorm statistics per subnet and, if asked, private scale and shift.
     */
    public static Method joint(List<Subnet> subnets, boolean privateAffine, boolean distill) {
        List<ChannelPlan> plans = subnets.stream().map(Subnet::plan).toList();
        return new Method(
                Strategy.JOINT.id(), random -> plans, List.copyOf(subnets), privateAffine, false, distill, null);
    }

    /**
     * The US-Nets sandwich rule: the widest and narrowest subnet every step, plus random widths
     * between them, so the whole range of widths is trained and the extremes bound it.
     */
    static Sampler sandwich(TrainConfig config, SlimmableNetwork network) {
        ChannelPlan max = network.fullPlan();
        ChannelPlan min = network.uniformPlan(config.minWidth());
        return random -> {
            List<ChannelPlan> plans = new ArrayList<>(config.sandwich());
            plans.add(max);
            plans.add(min);
            for (int i = 2; i < config.sandwich(); i++) {
                plans.add(network.uniformPlan(config.minWidth() + random.nextDouble() * (1 - config.minWidth())));
            }
            return plans;
        };
    }

    private static List<Subnet> subnets(TrainConfig config, SlimmableNetwork network) {
        List<Subnet> subnets = new ArrayList<>();
        if (!config.plans().isEmpty()) {
            for (int i = 0; i < config.plans().size(); i++) {
                ChannelPlan plan = config.plans().get(i);
                network.validate(plan);
                subnets.add(new Subnet("s" + (i + 1), plan));
            }
        } else if (config.widths().isEmpty()) {
            subnets.add(new Subnet(widthName(1.0), network.fullPlan()));
        } else {
            for (double w : config.widths()) {
                subnets.add(new Subnet(widthName(w), network.uniformPlan(w)));
            }
        }
        return subnets;
    }

    public static String widthName(double width) {
        return String.format(Locale.ROOT, "w%.2f", width);
    }
}
