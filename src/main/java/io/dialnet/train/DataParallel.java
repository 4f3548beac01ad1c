package io.dialnet.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dialnet.data.Batch;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Devices;
import io.dialnet.nn.Engines;
import io.dialnet.nn.SlimmableNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel training in one JVM: the primary network (on the first device, holding the
 * optimiser state, checkpoints and every evaluation) plus one replica per further device. Each
 * step every replica runs the same sampled subnets on its share of the batch, with its loss
 * weighted by that share; the replicas' gradients are then summed into the primary's, which the
 * optimiser steps, so the update equals one device's at the same global batch (up to float
 * summation order) for a network without BatchNorm.
 *
 * <p>BatchNorm in training mode normalises each replica's share by the share's own statistics
 * (as PyTorch's DistributedDataParallel does without SyncBatchNorm), so with BatchNorm the step
 * differs from the whole-batch one by what per-share statistics change; the running statistics
 * are averaged over replicas after each step (the mean of the shares' means is the batch mean).
 *
 * <p>Before every step the primary's whole state (weights, BatchNorm state of every registered
 * subnet) is copied to the replicas, so whatever changed the primary between steps (an optimiser
 * step, a permutation, a subnet registered mid-run, a checkpoint loaded) reaches them.
 */
public final class DataParallel implements AutoCloseable {
    /** Builds a fresh network of the primary's architecture with its arrays in {@code manager}. */
    @FunctionalInterface
    public interface NetworkFactory {
        SlimmableNetwork create(NDManager manager);
    }

    private final SlimmableNetwork primary;
    private final List<NDManager> managers = new ArrayList<>();
    private final List<SlimmableNetwork> replicas = new ArrayList<>();

    /**
     * Replicas of {@code primary} on {@code devices} after the first (which must be the primary's
     * own device); a device may repeat (several replicas on one CPU: tests exercise the path so).
     */
    public DataParallel(SlimmableNetwork primary, Devices devices, NetworkFactory factory) {
        Device home = primary.manager().getDevice();
        if (!devices.primary().equals(home)) {
            throw new IllegalArgumentException(
                    "the primary network is on " + home + ", not on the first device " + devices.primary());
        }
        this.primary = primary;
        try {
            for (Device d : devices.devices().subList(1, devices.size())) {
                NDManager m = NDManager.newBaseManager(d);
                managers.add(m);
                SlimmableNetwork replica = factory.create(m);
                if (!replica.spec().equals(primary.spec())) {
                    m.close();
                    throw new IllegalArgumentException(
                            "replica " + replica.spec() + " does not match " + primary.spec());
                }
                replicas.add(replica);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Every network that computes a step, primary first. */
    List<SlimmableNetwork> networks() {
        List<SlimmableNetwork> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return all;
    }

    public int size() {
        return replicas.size() + 1;
    }

    /** Copies the primary's state into every replica, registering any subnet a replica lacks. */
    void broadcast() {
        Map<String, NDArray> source = primary.stateArrays();
        for (SlimmableNetwork replica : replicas) {
            for (ChannelPlan plan : List.copyOf(replica.registeredPlans().keySet())) {
                if (!primary.registeredPlans().containsKey(plan)) {
                    replica.unregister(plan);
                }
            }
            primary.registeredPlans().forEach((plan, affine) -> {
                if (!replica.registeredPlans().containsKey(plan)) {
                    replica.register(plan, affine);
                }
            });
            Map<String, NDArray> target = replica.stateArrays();
            source.forEach((name, array) -> Engines.copyInto(array, target.get(name)));
        }
    }

    /**
     * Adds every replica's gradients into the primary's and clears the replicas'; averages the
     * replicas' BatchNorm running statistics into the primary's. Temporaries go to {@code scratch}.
     */
    void reduce(NDManager scratch) {
        Map<String, NDArray> trainable = primary.trainableParameters();
        Device home = primary.manager().getDevice();
        for (SlimmableNetwork replica : replicas) {
            Map<String, NDArray> theirs = replica.trainableParameters();
            trainable.forEach((name, p) -> {
                NDArray q = theirs.get(name);
                if (!q.hasGradient()) {
                    return;
                }
                NDArray g = q.getGradient();
                g.attach(scratch);
                NDArray mine = p.getGradient();
                mine.attach(scratch);
                NDArray moved = g.toDevice(home, false);
                if (moved != g) {
                    moved.attach(scratch);
                }
                mine.addi(moved);
                Engines.zeroGradient(q);
            });
        }
        Map<String, NDArray> statistics = primary.stateArrays();
        statistics.keySet().removeAll(trainable.keySet());
        float share = 1f / size();
        statistics.forEach((name, mean) -> {
            for (SlimmableNetwork replica : replicas) {
                NDArray moved = replica.stateArrays().get(name).toDevice(home, true);
                moved.attach(scratch);
                mean.addi(moved);
            }
            mean.muli(share);
        });
    }

    /**
     * {@code batch} cut into {@code parts} consecutive shares whose sizes differ by at most one
     * image; a share is empty only when the batch has fewer images than parts.
     */
    static List<Batch> split(Batch batch, int parts) {
        int n = batch.size();
        int perImage = batch.channels() * batch.height() * batch.width();
        List<Batch> shares = new ArrayList<>(parts);
        int from = 0;
        for (int i = 0; i < parts; i++) {
            int size = n / parts + (i < n % parts ? 1 : 0);
            shares.add(new Batch(
                    Arrays.copyOfRange(batch.pixels(), from * perImage, (from + size) * perImage),
                    Arrays.copyOfRange(batch.labels(), from, from + size),
                    batch.channels(),
                    batch.height(),
                    batch.width()));
            from += size;
        }
        return shares;
    }

    /** Frees the replicas; the primary belongs to the caller. */
    @Override
    public void close() {
        replicas.forEach(SlimmableNetwork::close);
        replicas.clear();
        managers.forEach(NDManager::close);
        managers.clear();
    }
}
