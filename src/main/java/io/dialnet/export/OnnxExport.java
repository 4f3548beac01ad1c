package io.dialnet.export;

import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.SlimmableNetwork;
import java.util.Map;

/** Compact ONNX graphs of subnets: channels physically removed, BatchNorm folded into the layer before it. */
public final class OnnxExport {
    private OnnxExport() {}

    /** The ONNX model of {@code plan} (registered in {@code network}), with {@code metadata} as properties. */
    public static byte[] subnet(SlimmableNetwork network, ChannelPlan plan, String name, Map<String, String> metadata) {
        ModelSpec spec = network.spec();
        OnnxGraph graph = new OnnxGraph(spec.architecture() + "-" + name, spec.inputChannels(), spec.inputSize());
        String logits = network.export(graph, plan);
        return graph.finish(logits, spec.classes(), metadata);
    }
}
