package io.dialnet.export;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.dialnet.nn.GraphBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model (opset 13) from {@link GraphBuilder} calls: one node per call, weights as
 * initializers, a dynamic batch dimension, and the provenance as metadata properties.
 */
public final class OnnxGraph implements GraphBuilder {
    public static final String INPUT = "input";
    public static final String OUTPUT = "logits";
    private static final int OPSET = 13;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private int counter;

    public OnnxGraph(String name, long channels, long size) {
        graph.setName(name);
        graph.addInput(valueInfo(INPUT, "batch", channels, size, size));
    }

    /** Finishes the graph with {@code logits} as the output and returns the serialised model. */
    public byte[] finish(String logits, long classes, Map<String, String> metadata) {
        graph.addNode(node("Identity", List.of(logits), OUTPUT));
        graph.addOutput(valueInfo(OUTPUT, "batch", classes));
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("dialnet")
                .addOpsetImport(
                        OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v == null ? "" : v)));
        return model.build().toByteArray();
    }

    @Override
    public String input() {
        return INPUT;
    }

    @Override
    public String conv(String x, float[] weight, long[] shape, float[] bias, int stride, int padding, int groups) {
        String w = initializer(weight, shape);
        String b = initializer(bias, new long[] {bias.length});
        String out = fresh("conv");
        graph.addNode(node(
                "Conv",
                List.of(x, w, b),
                out,
                ints("kernel_shape", shape[2], shape[3]),
                ints("strides", stride, stride),
                ints("pads", padding, padding, padding, padding),
                integer("group", groups)));
        return out;
    }

    @Override
    public String gemm(String x, float[] weight, long[] shape, float[] bias) {
        String w = initializer(weight, shape);
        String b = initializer(bias, new long[] {bias.length});
        String out = fresh("gemm");
        graph.addNode(node("Gemm", List.of(x, w, b), out, integer("transB", 1)));
        return out;
    }

    @Override
    public String relu(String x) {
        String out = fresh("relu");
        graph.addNode(node("Relu", List.of(x), out));
        return out;
    }

    @Override
    public String add(String a, String b) {
        String out = fresh("add");
        graph.addNode(node("Add", List.of(a, b), out));
        return out;
    }

    @Override
    public String maxPool(String x, int kernel, int stride, int padding) {
        String out = fresh("maxpool");
        graph.addNode(node(
                "MaxPool",
                List.of(x),
                out,
                ints("kernel_shape", kernel, kernel),
                ints("strides", stride, stride),
                ints("pads", padding, padding, padding, padding)));
        return out;
    }

    @Override
    public String globalAvgPoolFlat(String x) {
        String pooled = fresh("gap");
        graph.addNode(node("GlobalAveragePool", List.of(x), pooled));
        return flatten(pooled);
    }

    @Override
    public String flatten(String x) {
        String out = fresh("flatten");
        graph.addNode(node("Flatten", List.of(x), out, integer("axis", 1)));
        return out;
    }

    private String fresh(String op) {
        return op + "_" + counter++;
    }

    private String initializer(float[] values, long[] shape) {
        String name = fresh("w");
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static OnnxMl.NodeProto node(
            String op, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder()
                .setOpType(op)
                .setName(output)
                .addAllInput(inputs)
                .addOutput(output);
        for (OnnxMl.AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a =
                OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static OnnxMl.AttributeProto integer(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, String batch, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        OnnxMl.TypeProto type = OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape))
                .build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
