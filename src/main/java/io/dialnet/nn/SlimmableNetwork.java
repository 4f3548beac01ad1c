package io.dialnet.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A supernet: full-width weights shared by every subnet, and a forward pass that runs any
 * {@link ChannelPlan} by slicing them.
 *
 * <p>Subclasses declare their coupling sets and layers in the constructor with the protected
 * factory methods (which also record each layer's geometry for the MACs counter) and implement
 * {@link #forwardAt}. Weights are initialised from {@code seed} with Java's RNG, so the same seed
 * gives the same network on any engine or thread count.
 */
public abstract class SlimmableNetwork implements AutoCloseable {
    private final ModelSpec spec;
    private final NDManager manager;
    private final Random init;
    private final List<CouplingSet> sets = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    private final List<SlimBatchNorm> norms = new ArrayList<>();
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Set<String> noDecay = new HashSet<>();
    private final Map<ChannelPlan, Boolean> registered = new LinkedHashMap<>();

    protected SlimmableNetwork(ModelSpec spec, NDManager parent, long seed) {
        this.spec = spec;
        this.manager = parent.newSubManager();
        this.init = new Random(seed);
    }

    /**
     * Runs {@code pass.plan()} on {@code input} ({@code [N, C, H, W]}) and returns logits
     * {@code [N, classes]}. The plan is validated first; in eval and calibration mode it must be
     * registered, since only registered plans own BatchNorm statistics.
     */
    public final NDArray forward(Pass pass, NDArray input) {
        validate(pass.plan());
        if (pass.mode() != Mode.TRAIN && !registered.containsKey(pass.plan())) {
            throw new InvalidPlanException("subnet " + pass.plan() + " of " + spec.architecture()
                    + " has no BatchNorm statistics: register and calibrate it first");
        }
        Shape shape = input.getShape();
        if (shape.dimension() != 4
                || shape.get(1) != spec.inputChannels()
                || shape.get(2) != spec.inputSize()
                || shape.get(3) != spec.inputSize()) {
            throw new IllegalArgumentException("input of shape " + shape + " does not fit " + spec.architecture()
                    + ", which expects [N, " + spec.inputChannels() + ", " + spec.inputSize() + ", "
                    + spec.inputSize() + "]");
        }
        return forwardAt(pass, prefersChannelsLast(pass.plan()) ? Engines.channelsLast(input) : input);
    }

    /**
     * Whether {@code plan} runs faster with channels-last activations: when every width is a
     * multiple of 16 (one AVX-512 register of floats). Measured on ResNet-20, batch 128, 2 threads
     * (docs/BENCHMARKS.md): a training step at widths 16/32/64 is 10-20% faster channels-last,
     * at 8/16/32 the same, and at 12/24/48 or 4/8/16 twice as slow, as oneDNN's NHWC kernels
     * fall off their vectorised paths for such channel counts.
     */
    static boolean prefersChannelsLast(ChannelPlan plan) {
        for (int i = 0; i < plan.size(); i++) {
            if (plan.channels(i) % 16 != 0) {
                return false;
            }
        }
        return true;
    }

    protected abstract NDArray forwardAt(Pass pass, NDArray input);

    /**
     * Describes {@code plan} as a compact static graph (channels removed, BatchNorm folded) to
     * {@code graph}; returns the name of the logits. The plan must be registered.
     */
    public final String export(GraphBuilder graph, ChannelPlan plan) {
        validate(plan);
        if (!registered.containsKey(plan)) {
            throw new InvalidPlanException(
                    "subnet " + plan + " has no BatchNorm statistics to fold; register it first");
        }
        return exportAt(graph, plan);
    }

    /** Mirrors {@link #forwardAt} in eval mode, node by node; a test checks the two agree. */
    protected abstract String exportAt(GraphBuilder graph, ChannelPlan plan);

    // ---- plans -------------------------------------------------------------------------------

    /** Throws {@link InvalidPlanException} naming the first coupling set the plan cannot have. */
    public final void validate(ChannelPlan plan) {
        if (plan.size() != sets.size()) {
            throw new InvalidPlanException(spec.architecture() + " has " + sets.size()
                    + " coupling sets but the plan gives " + plan.size() + " channel counts");
        }
        for (CouplingSet set : sets) {
            int c = plan.channels(set.index());
            if (c > set.channels()) {
                throw new InvalidPlanException(
                        "coupling set " + set.name() + " has " + set.channels() + " channels; the plan asks for " + c);
            }
            if (c % set.groupSize() != 0) {
                throw new InvalidPlanException("coupling set " + set.name() + ": " + c
                        + " channels is not a whole number of groups of " + set.groupSize());
            }
        }
    }

    public final ChannelPlan fullPlan() {
        return ChannelPlan.of(sets.stream().mapToInt(CouplingSet::channels).toArray());
    }

    /**
     * Every coupling set at the same width multiplier (US-Nets style), rounded to whole channel
     * groups and never below one group.
     */
    public final ChannelPlan uniformPlan(double width) {
        if (!(width > 0 && width <= 1)) {
            throw new InvalidPlanException("width must be in (0, 1], got " + width);
        }
        return ChannelPlan.of(sets.stream()
                .mapToInt(s -> {
                    long groups = Math.max(1, Math.round(width * s.groups()));
                    return (int) groups * s.groupSize();
                })
                .toArray());
    }

    /** Gives {@code plan} private BatchNorm statistics (and, if asked, a private scale and shift). */
    public final void register(ChannelPlan plan, boolean privateAffine) {
        register(plan, privateAffine, null);
    }

    /**
     * As {@link #register(ChannelPlan, boolean)}, starting the new state from the leading channels
     * of {@code parent}'s (a registered plan it nests in, or {@code null}): a subnet cut from a
     * trained one mid-run keeps what that one's BatchNorm learned.
     */
    public final void register(ChannelPlan plan, boolean privateAffine, ChannelPlan parent) {
        validate(plan);
        if (registered.containsKey(plan)) {
            if (registered.get(plan) != privateAffine) {
                throw new InvalidPlanException("subnet " + plan + " is already registered "
                        + (privateAffine ? "with shared" : "with private") + " BatchNorm scale and shift");
            }
            return;
        }
        registered.put(plan, privateAffine);
        for (SlimBatchNorm norm : norms) {
            norm.register(plan, privateAffine, parent, manager);
        }
    }

    public final void unregister(ChannelPlan plan) {
        if (registered.remove(plan) != null) {
            for (SlimBatchNorm norm : norms) {
                norm.unregister(plan);
            }
        }
    }

    /** Registered plans in registration order, each with whether it has a private scale and shift. */
    public final Map<ChannelPlan, Boolean> registeredPlans() {
        return Collections.unmodifiableMap(registered);
    }

    /** Forgets {@code plan}'s running statistics before a calibration pass re-estimates them. */
    public final void resetStatistics(ChannelPlan plan) {
        for (SlimBatchNorm norm : norms) {
            norm.resetStatistics(plan);
        }
    }

    /**
     * Reorders the channels of {@code set} in every layer that reads or writes it, and in every
     * registered plan's BatchNorm state: new channel {@code i} is old channel {@code order[i]}.
     * The network computes the same function afterwards (up to the order of that set's channels),
     * and a plan that keeps a prefix now keeps the channels moved to the front.
     */
    public final void permute(CouplingSet set, int[] order) {
        permute(set, order, Map.of());
    }

    /**
     * As {@link #permute(CouplingSet, int[])}, and also reorders {@code mirrors}: arrays shaped like
     * the trainable parameter of the same name (an optimiser's momentum), so training can go on.
     */
    public final void permute(CouplingSet set, int[] order, Map<String, NDArray> mirrors) {
        if (!set.prunable() || sets.get(set.index()) != set) {
            throw new IllegalArgumentException("coupling set " + set.name() + " is not a prunable set of this network");
        }
        Permutations.check(order, set.channels(), set.name());
        for (ChannelPlan plan : registered.keySet()) {
            Permutations.prefix(order, plan.channels(set.index()), "subnet " + plan + ", coupling set " + set.name());
        }
        Map<NDArray, NDArray> mirrorOf = new IdentityHashMap<>();
        trainableParameters().forEach((name, p) -> {
            if (mirrors.containsKey(name)) {
                mirrorOf.put(p, mirrors.get(name));
            }
        });
        Layer.Permuter permuter = (tensor, axis, o) -> {
            Permutations.permuteAxis(tensor, axis, o);
            NDArray mirror = mirrorOf.get(tensor);
            if (mirror != null) {
                Permutations.permuteAxis(mirror, axis, o);
            }
        };
        for (Layer layer : layers) {
            layer.permute(set, order, permuter);
        }
    }

    // ---- weights -----------------------------------------------------------------------------

    /** Shared weights, by name, in declaration order. */
    public final Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * Everything an optimiser updates: the shared weights plus each registered plan's private
     * BatchNorm scale and shift, named {@code layer.gamma@plan}.
     */
    public final Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> all = new LinkedHashMap<>(parameters);
        for (SlimBatchNorm norm : norms) {
            norm.states().forEach((plan, state) -> {
                if (state.gamma() != null) {
                    all.put(norm.name() + ".gamma@" + plan, state.gamma());
                    all.put(norm.name() + ".beta@" + plan, state.beta());
                }
            });
        }
        return all;
    }

    /**
     * Every array that defines the network's state: {@link #trainableParameters()} plus each
     * plan's running statistics ({@code layer.mean@plan}, {@code layer.var@plan}).
     */
    public final Map<String, NDArray> stateArrays() {
        Map<String, NDArray> all = trainableParameters();
        for (SlimBatchNorm norm : norms) {
            norm.states().forEach((plan, state) -> {
                all.put(norm.name() + ".mean@" + plan, state.mean());
                all.put(norm.name() + ".var@" + plan, state.var());
            });
        }
        return all;
    }

    /** Whether weight decay applies: not to BatchNorm scale/shift or biases (the usual recipe). */
    public final boolean decays(String parameterName) {
        return !noDecay.contains(parameterName) && !parameterName.contains("@");
    }

    public final ModelSpec spec() {
        return spec;
    }

    public final List<CouplingSet> couplingSets() {
        return Collections.unmodifiableList(sets);
    }

    public final List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public final List<SlimBatchNorm> norms() {
        return Collections.unmodifiableList(norms);
    }

    public final NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }

    // ---- construction, for subclasses ----------------------------------------------------------

    /** Declares a prunable coupling set; its index is its position in every plan. */
    protected final CouplingSet prunableSet(String name, int channels) {
        int group = spec.groupSize() > 0 ? spec.groupSize() : defaultGroupSize();
        CouplingSet set = new CouplingSet(sets.size(), name, channels, Math.min(group, channels));
        sets.add(set);
        return set;
    }

    /** Channels per group when the spec does not say: 4 for CIFAR-size models, 8 for ImageNet ones. */
    protected int defaultGroupSize() {
        return spec.inputSize() >= 64 ? 8 : 4;
    }

    protected final CouplingSet inputSet() {
        return CouplingSet.fixed("input", spec.inputChannels());
    }

    protected final CouplingSet classSet() {
        return CouplingSet.fixed("classes", spec.classes());
    }

    /** A bias-free convolution (a BatchNorm follows) with He-normal initialisation (fan-out). */
    protected final SlimConv2d conv(
            String name, CouplingSet in, CouplingSet out, int kernel, int stride, int padding, int inSize) {
        return addConv(name, in, out, kernel, stride, padding, false, inSize);
    }

    /** A depthwise convolution: one {@code kernel x kernel} filter per channel of {@code set}. */
    protected final SlimConv2d depthwiseConv(
            String name, CouplingSet set, int kernel, int stride, int padding, int inSize) {
        return addConv(name, set, set, kernel, stride, padding, true, inSize);
    }

    private SlimConv2d addConv(
            String name,
            CouplingSet in,
            CouplingSet out,
            int kernel,
            int stride,
            int padding,
            boolean depthwise,
            int inSize) {
        int fanOut = out.channels() * kernel * kernel / (depthwise ? out.channels() : 1);
        Shape shape = depthwise
                ? new Shape(out.channels(), 1, kernel, kernel)
                : new Shape(out.channels(), in.channels(), kernel, kernel);
        NDArray weight = parameter(name + ".weight", shape, Math.sqrt(2.0 / fanOut), true);
        SlimConv2d conv =
                new SlimConv2d(name, in, out, kernel, stride, padding, depthwise, inSize, inSize, weight, null);
        layers.add(conv);
        return conv;
    }

    protected final SlimBatchNorm batchNorm(String name, CouplingSet set) {
        NDArray gamma = constant(name + ".gamma", set.channels(), 1f);
        NDArray beta = constant(name + ".beta", set.channels(), 0f);
        SlimBatchNorm norm = new SlimBatchNorm(name, set, gamma, beta);
        layers.add(norm);
        norms.add(norm);
        return norm;
    }

    /** A fully connected layer with torch's default initialisation, U(-1/sqrt(fan-in), 1/sqrt(fan-in)). */
    protected final SlimLinear linear(String name, CouplingSet in, CouplingSet out, int spatial) {
        int fanIn = in.channels() * spatial;
        double bound = 1 / Math.sqrt(fanIn);
        NDArray weight = parameter(name + ".weight", new Shape(out.channels(), fanIn), bound, false);
        NDArray bias = parameter(name + ".bias", new Shape(out.channels()), bound, false);
        noDecay.add(name + ".bias");
        SlimLinear linear = new SlimLinear(name, in, out, spatial, weight, bias);
        layers.add(linear);
        return linear;
    }

    private NDArray parameter(String name, Shape shape, double scale, boolean normal) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (normal ? init.nextGaussian() * scale : (2 * init.nextDouble() - 1) * scale);
        }
        return register(name, manager.create(values, shape));
    }

    private NDArray constant(String name, int channels, float value) {
        noDecay.add(name);
        return register(name, manager.full(new Shape(channels), value));
    }

    private NDArray register(String name, NDArray array) {
        if (parameters.putIfAbsent(name, array) != null) {
            throw new IllegalStateException("duplicate parameter name " + name);
        }
        array.setName(name);
        array.setRequiresGradient(true);
        return array;
    }
}
