package io.dialnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dialnet.nn.Engines;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * SGD with (Nesterov) momentum and decoupled-from-BN weight decay, matching torch.optim.SGD:
 * {@code d = g + wd*p; v = m*v + d; p -= lr * (nesterov ? d + m*v : v)}.
 */
public final class Sgd implements AutoCloseable {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray> velocity = new LinkedHashMap<>();

    public Sgd(double momentum, boolean nesterov, double weightDecay, NDManager parent) {
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
    }

    /**
     * Updates every parameter from its accumulated gradient, then clears the gradient. Must run
     * outside a gradient collector. Temporaries go to {@code scratch}, which the caller closes.
     */
    public void step(
            Map<String, NDArray> parameters, Predicate<String> decays, double learningRate, NDManager scratch) {
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray d = p.getGradient();
            d.attach(scratch);
            if (weightDecay > 0 && decays.test(e.getKey())) {
                d.addi(owned(p.mul(weightDecay), scratch));
            }
            NDArray update = d;
            if (momentum > 0) {
                NDArray v = velocity.computeIfAbsent(e.getKey(), k -> manager.zeros(p.getShape()));
                v.muli(momentum).addi(d);
                update = nesterov ? d.addi(owned(v.mul(momentum), scratch)) : owned(v.duplicate(), scratch);
            }
            p.subi(update.muli(learningRate));
            Engines.zeroGradient(p);
        }
    }

    private static NDArray owned(NDArray array, NDManager scratch) {
        array.attach(scratch);
        return array;
    }

    /** Momentum buffers by parameter name, for checkpoints. */
    public Map<String, NDArray> state() {
        return velocity;
    }

    /** Restores momentum buffers saved by {@link #state()}. */
    public void load(Map<String, NDArray> saved) {
        velocity.values().forEach(NDArray::close);
        velocity.clear();
        saved.forEach((name, array) -> {
            NDArray copy = array.duplicate();
            copy.attach(manager);
            velocity.put(name, copy);
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
