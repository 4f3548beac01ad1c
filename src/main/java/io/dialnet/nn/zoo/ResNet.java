package io.dialnet.nn.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.CouplingSet;
import io.dialnet.nn.Folding;
import io.dialnet.nn.GraphBuilder;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimBatchNorm;
import io.dialnet.nn.SlimConv2d;
import io.dialnet.nn.SlimLinear;
import io.dialnet.nn.SlimmableNetwork;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNets of basic blocks: the CIFAR family of He et al. (ResNet-20/32/56: a 3x3 stem, stages of
 * 16/32/64 channels) and ResNet-18 for ImageNet-size inputs (a 7x7 stride-2 stem with max-pool,
 * stages of 64/128/256/512 channels).
 *
 * <p>Coupling sets: one per stage for the residual stream (the stem or the stage's 1x1 shortcut
 * convolution and every block's second convolution write to it) and one per block for its inner
 * width. Shortcuts are 1x1 convolutions wherever a stage changes width or size; unlike the
 * parameter-free zero padding of the CIFAR paper they let every stage take any width, which
 * non-uniform subnets need. They add 0.26 M MACs to ResNet-20's 40.55 M.
 */
public final class ResNet extends SlimmableNetwork {
    private final boolean imagenetStem;
    private final SlimConv2d stem;
    private final SlimBatchNorm stemNorm;
    private final List<Block> blocks = new ArrayList<>();
    private final SlimLinear classifier;

    /** A CIFAR ResNet of depth 6n+2 (20, 32, 56, ...). */
    public static ResNet cifar(ModelSpec spec, int depth, NDManager manager, long seed) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("a CIFAR ResNet has depth 6n+2, got " + depth);
        }
        int n = (depth - 2) / 6;
        return new ResNet(spec, new int[] {16, 32, 64}, new int[] {n, n, n}, false, manager, seed);
    }

    /** ResNet-18 with the ImageNet stem. */
    public static ResNet resnet18(ModelSpec spec, NDManager manager, long seed) {
        return new ResNet(spec, new int[] {64, 128, 256, 512}, new int[] {2, 2, 2, 2}, true, manager, seed);
    }

    private ResNet(ModelSpec spec, int[] widths, int[] depths, boolean imagenetStem, NDManager manager, long seed) {
        super(spec, manager, seed);
        this.imagenetStem = imagenetStem;
        CouplingSet stream = prunableSet("stage1", widths[0]);
        stem = imagenetStem
                ? conv("stem", inputSet(), stream, 7, 2, 3, spec.inputSize())
                : conv("stem", inputSet(), stream, 3, 1, 1, spec.inputSize());
        stemNorm = batchNorm("stem.bn", stream);
        int size = imagenetStem ? (stem.outHeight() + 2 - 3) / 2 + 1 : stem.outHeight();
        for (int s = 0; s < widths.length; s++) {
            for (int b = 0; b < depths[s]; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                CouplingSet out = stride > 1 || widths[s] != stream.channels()
                        ? prunableSet("stage" + (s + 1), widths[s])
                        : stream;
                Block block = new Block("stage" + (s + 1) + ".block" + (b + 1), stream, out, stride, size);
                blocks.add(block);
                stream = out;
                size = block.conv2.outHeight();
            }
        }
        classifier = linear("fc", stream, classSet(), 1);
    }

    @Override
    protected NDArray forwardAt(Pass pass, NDArray input) {
        NDArray x = Activation.relu(stemNorm.forward(pass, stem.forward(pass, input)));
        if (imagenetStem) {
            x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        for (Block block : blocks) {
            x = block.forward(pass, x);
        }
        return classifier.forward(pass, Pool.globalAvgPool2d(x));
    }

    @Override
    protected String exportAt(GraphBuilder g, ChannelPlan plan) {
        String x = g.relu(Folding.emit(g, g.input(), stem, stemNorm, plan));
        if (imagenetStem) {
            x = g.maxPool(x, 3, 2, 1);
        }
        for (Block block : blocks) {
            String y = g.relu(Folding.emit(g, x, block.conv1, block.norm1, plan));
            y = Folding.emit(g, y, block.conv2, block.norm2, plan);
            String skip = block.shortcut == null ? x : Folding.emit(g, x, block.shortcut, block.shortcutNorm, plan);
            x = g.relu(g.add(y, skip));
        }
        return Folding.emit(g, g.globalAvgPoolFlat(x), classifier, null, plan);
    }

    /** A basic block: two 3x3 convolutions around an inner coupling set, plus the shortcut. */
    private final class Block {
        final SlimConv2d conv1;
        final SlimBatchNorm norm1;
        final SlimConv2d conv2;
        final SlimBatchNorm norm2;
        final SlimConv2d shortcut;
        final SlimBatchNorm shortcutNorm;

        Block(String name, CouplingSet in, CouplingSet out, int stride, int size) {
            CouplingSet mid = prunableSet(name + ".mid", out.channels());
            conv1 = conv(name + ".conv1", in, mid, 3, stride, 1, size);
            norm1 = batchNorm(name + ".bn1", mid);
            conv2 = conv(name + ".conv2", mid, out, 3, 1, 1, conv1.outHeight());
            norm2 = batchNorm(name + ".bn2", out);
            if (in.equals(out)) {
                shortcut = null;
                shortcutNorm = null;
            } else {
                shortcut = conv(name + ".shortcut", in, out, 1, stride, 0, size);
                shortcutNorm = batchNorm(name + ".shortcut.bn", out);
            }
        }

        NDArray forward(Pass pass, NDArray x) {
            NDArray y = Activation.relu(norm1.forward(pass, conv1.forward(pass, x)));
            y = norm2.forward(pass, conv2.forward(pass, y));
            NDArray skip = shortcut == null ? x : shortcutNorm.forward(pass, shortcut.forward(pass, x));
            return Activation.relu(y.add(skip));
        }
    }
}
