package io.dialnet.interop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each Dialnet layer's tensors live in a PyTorch model, one small table per architecture.
 * A rule maps a Dialnet layer name (a regular expression) to candidate PyTorch module names
 * ({@code {2-1}} is group 2 minus one: Dialnet counts blocks from 1, PyTorch from 0); the first
 * candidate the file holds wins. Tensor suffixes follow torch: a convolution's or linear layer's
 * {@code weight} and {@code bias}; BatchNorm's {@code weight}, {@code bias}, {@code running_mean}
 * and {@code running_var}. {@code num_batches_tracked} is not needed and skipped.
 */
public final class TorchNames {
    /** Buffers PyTorch keeps that a Dialnet network does not need. */
    static final String SKIPPED_SUFFIX = ".num_batches_tracked";

    private record Rule(Pattern layer, List<String> modules) {}

    /**
     * torchvision's ResNet (conv1, bn1, layerS.B, downsample.0/.1, fc), which the CIFAR ResNets
     * with 1x1 projection shortcuts share; {@code shortcut.0/.1} and {@code linear} are the names
     * of the common CIFAR re-implementations.
     */
    private static final List<Rule> RESNET = List.of(
            rule("stem", "conv1"),
            rule("stem\\.bn", "bn1"),
            rule("stage(\\d+)\\.block(\\d+)\\.(conv1|bn1|conv2|bn2)", "layer{1}.{2-1}.{3}"),
            rule("stage(\\d+)\\.block(\\d+)\\.shortcut", "layer{1}.{2-1}.downsample.0", "layer{1}.{2-1}.shortcut.0"),
            rule(
                    "stage(\\d+)\\.block(\\d+)\\.shortcut\\.bn",
                    "layer{1}.{2-1}.downsample.1",
                    "layer{1}.{2-1}.shortcut.1"),
            rule("fc", "fc", "linear"));

    private static final Map<String, List<Rule>> TABLES =
            Map.of("resnet18", RESNET, "resnet20", RESNET, "resnet32", RESNET, "resnet56", RESNET);

    /** The architectures that can be imported. */
    public static final List<String> ARCHITECTURES = List.of("resnet18", "resnet20", "resnet32", "resnet56");

    private TorchNames() {}

    private static Rule rule(String layer, String... modules) {
        return new Rule(Pattern.compile(layer), List.of(modules));
    }

    /** Throws {@link IllegalArgumentException} unless {@code architecture} has a table. */
    public static void requireSupported(String architecture) {
        if (!TABLES.containsKey(architecture)) {
            throw new IllegalArgumentException("--model " + architecture + ": importing from PyTorch supports "
                    + String.join(", ", ARCHITECTURES));
        }
    }

    /** Candidate PyTorch module names of Dialnet layer {@code layer}, in order of preference. */
    static List<String> modules(String architecture, String layer) {
        requireSupported(architecture);
        for (Rule rule : TABLES.get(architecture)) {
            Matcher m = rule.layer().matcher(layer);
            if (m.matches()) {
                List<String> names = new ArrayList<>();
                for (String template : rule.modules()) {
                    names.add(fill(template, m));
                }
                return names;
            }
        }
        throw new IllegalStateException("no PyTorch name for layer " + layer + " of " + architecture);
    }

    private static String fill(String template, Matcher m) {
        String out = template;
        for (int g = 1; g <= m.groupCount(); g++) {
            if (out.contains("{" + g + "-1}")) {
                out = out.replace("{" + g + "-1}", Integer.toString(Integer.parseInt(m.group(g)) - 1));
            }
            out = out.replace("{" + g + "}", m.group(g));
        }
        return out;
    }
}
