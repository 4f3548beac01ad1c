package io.dialnet.interop;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.SafeTensors;
import io.dialnet.artifact.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tensors of a model file written by PyTorch, by their PyTorch names, as float32.
 *
 * @param path the file
 * @param format {@code onnx} or {@code safetensors}
 * @param tensors every weight and BatchNorm buffer, by name ({@code module.} of DataParallel removed)
 * @param inputSize the image size of a fixed-size ONNX input, else 0
 */
public record TorchFile(Path path, String format, Map<String, Tensor> tensors, int inputSize) {
    public static final String ONNX = "onnx";
    public static final String SAFETENSORS = "safetensors";

    /** Reads {@code path}: ONNX or safetensors by its extension. */
    public static TorchFile read(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".onnx") ? ONNX : name.endsWith(".safetensors") ? SAFETENSORS : null;
        if (format == null) {
            throw new IllegalArgumentException("--from " + path + ": expected a .onnx or .safetensors file");
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("--from " + path + ": no such file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException | OutOfMemoryError e) {
            throw new IllegalArgumentException("--from " + path + ": cannot be read: " + e.getMessage());
        }
        return format.equals(ONNX) ? onnx(path, bytes) : safetensors(path, bytes);
    }

    private static TorchFile safetensors(Path path, byte[] bytes) {
        try {
            Map<String, Tensor> tensors =
                    SafeTensors.decodeWidening(bytes, path.toString(), n -> n.endsWith(TorchNames.SKIPPED_SUFFIX));
            return new TorchFile(path, SAFETENSORS, withoutDataParallelPrefix(tensors), 0);
        } catch (ArtifactException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static TorchFile onnx(Path path, byte[] bytes) {
        OnnxMl.GraphProto graph;
        try {
            graph = OnnxMl.ModelProto.parseFrom(bytes).getGraph();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(path + " is not an ONNX model: " + e.getMessage());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            if (isWeight(t)) {
                tensors.put(t.getName(), tensor(path, t));
            }
        }
        int norms = 0;
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            // The exporter stores equal tensors once and names the copies through Identity nodes.
            if (node.getOpType().equals("Identity") && tensors.containsKey(node.getInput(0))) {
                tensors.put(node.getOutput(0), tensors.get(node.getInput(0)));
            }
            if (node.getOpType().equals("BatchNormalization")) {
                norms++;
                for (OnnxMl.AttributeProto a : node.getAttributeList()) {
                    if (a.getName().equals("training_mode") && a.getI() != 0) {
                        throw new IllegalArgumentException(path + ": BatchNormalization " + node.getName()
                                + " was exported in training mode; call model.eval() before torch.onnx.export");
                    }
                }
            }
        }
        if (norms == 0) {
            throw new IllegalArgumentException(
                    path + " has no BatchNormalization nodes (folded into the convolutions?); export with "
                            + "training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False");
        }
        return new TorchFile(path, ONNX, withoutDataParallelPrefix(tensors), inputSize(graph));
    }

    /**
     * Float initializers with a module's name; the exporter's own constants ({@code onnx::...},
     * {@code /...}) are not weights.
     */
    private static boolean isWeight(OnnxMl.TensorProto t) {
        int type = t.getDataType();
        boolean floating = type == OnnxMl.TensorProto.DataType.FLOAT.getNumber()
                || type == OnnxMl.TensorProto.DataType.FLOAT16.getNumber()
                || type == OnnxMl.TensorProto.DataType.BFLOAT16.getNumber()
                || type == OnnxMl.TensorProto.DataType.DOUBLE.getNumber();
        return floating && !t.getName().contains("::") && !t.getName().startsWith("/");
    }

    private static Tensor tensor(Path path, OnnxMl.TensorProto t) {
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException(path + ": tensor " + t.getName() + " is stored in an external data "
                    + "file; export the model into one .onnx file");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[Math.toIntExact(n)];
        if (!t.getRawData().isEmpty()) {
            fromRawData(path, t, data);
        } else {
            fromTypedData(path, t, data);
        }
        return new Tensor(shape, data);
    }

    /** Fills {@code data} from the tensor's little-endian raw bytes (double, float, or 16-bit widened). */
    private static void fromRawData(Path path, OnnxMl.TensorProto t, float[] data) {
        int type = t.getDataType();
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int width = type == OnnxMl.TensorProto.DataType.DOUBLE.getNumber()
                ? 8
                : type == OnnxMl.TensorProto.DataType.FLOAT.getNumber() ? 4 : 2;
        if (raw.remaining() != (long) width * data.length) {
            throw new IllegalArgumentException(path + ": tensor " + t.getName() + " holds " + raw.remaining()
                    + " bytes, its shape needs " + (long) width * data.length);
        }
        for (int i = 0; i < data.length; i++) {
            data[i] = switch (width) {
                case 8 -> (float) raw.getDouble();
                case 4 -> raw.getFloat();
                default -> widen(raw.getShort(), type);
            };
        }
    }

    /** Fills {@code data} from the tensor's typed lists (16-bit types are stored as int32 bit patterns). */
    private static void fromTypedData(Path path, OnnxMl.TensorProto t, float[] data) {
        int type = t.getDataType();
        List<? extends Number> values = type == OnnxMl.TensorProto.DataType.FLOAT.getNumber()
                ? t.getFloatDataList()
                : type == OnnxMl.TensorProto.DataType.DOUBLE.getNumber() ? t.getDoubleDataList() : t.getInt32DataList();
        if (values.size() != data.length) {
            throw new IllegalArgumentException(path + ": tensor " + t.getName() + " holds " + values.size()
                    + " values, its shape needs " + data.length);
        }
        for (int i = 0; i < data.length; i++) {
            Number v = values.get(i);
            data[i] = v instanceof Integer bits ? widen(bits.shortValue(), type) : v.floatValue();
        }
    }

    private static float widen(short bits, int type) {
        return type == OnnxMl.TensorProto.DataType.BFLOAT16.getNumber()
                ? Float.intBitsToFloat((bits & 0xffff) << 16)
                : SafeTensors.halfToFloat(bits);
    }

    /** The height of the first input when it is fixed and square, else 0. */
    private static int inputSize(OnnxMl.GraphProto graph) {
        for (OnnxMl.ValueInfoProto input : graph.getInputList()) {
            boolean initializer = graph.getInitializerList().stream()
                    .anyMatch(t -> t.getName().equals(input.getName()));
            if (initializer) {
                continue;
            }
            var dims = input.getType().getTensorType().getShape().getDimList();
            if (dims.size() == 4
                    && dims.get(2).hasDimValue()
                    && dims.get(3).hasDimValue()
                    && dims.get(2).getDimValue() == dims.get(3).getDimValue()) {
                return (int) dims.get(2).getDimValue();
            }
            return 0;
        }
        return 0;
    }

    private static Map<String, Tensor> withoutDataParallelPrefix(Map<String, Tensor> tensors) {
        if (tensors.isEmpty() || !tensors.keySet().stream().allMatch(k -> k.startsWith("module."))) {
            return tensors;
        }
        Map<String, Tensor> stripped = new LinkedHashMap<>();
        tensors.forEach((k, v) -> stripped.put(k.substring("module.".length()), v));
        return stripped;
    }
}
