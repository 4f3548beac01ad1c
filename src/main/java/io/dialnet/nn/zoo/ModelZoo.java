package io.dialnet.nn.zoo;

import ai.djl.ndarray.NDManager;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import java.util.List;

/** The architectures Dialnet can build, by name. */
public final class ModelZoo {
    private static final List<String> NAMES =
            List.of("resnet20", "resnet32", "resnet56", "resnet18", "vgg11", "mobilenetv1", "alexnet", "cnn");

    private ModelZoo() {}

    public static List<String> names() {
        return NAMES;
    }

    /** Throws {@link IllegalArgumentException} naming the choices when {@code name} is unknown. */
    public static void requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; choose one of " + String.join(", ", NAMES));
        }
    }

    /** The input each architecture was designed for: CIFAR-10, ImageNet, or 28x28 MNIST-style. */
    public static ModelSpec defaultSpec(String name) {
        requireKnown(name);
        return switch (name) {
            case "resnet18" -> new ModelSpec(name, 3, 224, 1000, 0);
            case "cnn" -> new ModelSpec(name, 1, 28, 10, 0);
            default -> new ModelSpec(name, 3, 32, 10, 0);
        };
    }

    /**
     * {@code name}'s {@link #defaultSpec} with the input size and classes given (where not
     * {@code null}) and the group size resolved ({@link ModelSpec#resolveGroupSize}).
     */
    public static ModelSpec spec(String name, Integer inputSize, Integer classes, int groupSize) {
        ModelSpec d = defaultSpec(name);
        return new ModelSpec(
                name,
                d.inputChannels(),
                inputSize != null ? inputSize : d.inputSize(),
                classes != null ? classes : d.classes(),
                ModelSpec.resolveGroupSize(groupSize));
    }

    /** Builds the network with weights initialised from {@code seed}, owned by a sub-manager of {@code manager}. */
    public static SlimmableNetwork create(ModelSpec spec, NDManager manager, long seed) {
        requireKnown(spec.architecture());
        return switch (spec.architecture()) {
            case "resnet20" -> ResNet.cifar(spec, 20, manager, seed);
            case "resnet32" -> ResNet.cifar(spec, 32, manager, seed);
            case "resnet56" -> ResNet.cifar(spec, 56, manager, seed);
            case "resnet18" -> ResNet.resnet18(spec, manager, seed);
            case "vgg11" -> new Vgg11(spec, manager, seed);
            case "mobilenetv1" -> new MobileNetV1(spec, manager, seed);
            case "alexnet" -> new AlexNet(spec, manager, seed);
            case "cnn" -> new SmallCnn(spec, manager, seed);
            default -> throw new IllegalStateException(spec.architecture());
        };
    }
}
