package io.dialnet.train;

import io.dialnet.nn.ChannelPlan;
import java.util.List;
import java.util.Random;

/** Chooses the subnets one training step runs; the first is the largest (the teacher, if distilling). */
@FunctionalInterface
public interface Sampler {
    List<ChannelPlan> sample(Random random);
}
