package io.dialnet.artifact;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dialnet.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The safetensors format (float32; F16 and BF16 widened when reading other programs' files): an
 * 8-byte little-endian header length, a JSON header mapping each name to its dtype, shape and byte
 * range, then the raw little-endian data. Chosen for the artifact because any runtime (Python
 * included) can read it without Dialnet or an engine.
 */
public final class SafeTensors {

    private SafeTensors() {}

    public static byte[] encode(Map<String, Tensor> tensors) {
        Map<String, Object> header = new TreeMap<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
            long bytes = 4L * e.getValue().data().length;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", e.getValue().shape());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), info);
            offset += bytes;
        }
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(header);
            int pad = (8 - json.length % 8) % 8;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer length =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length + pad);
            out.write(length.array());
            out.write(json);
            out.write(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, Tensor> e : new TreeMap<>(tensors).entrySet()) {
                float[] data = e.getValue().data();
                ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(data);
                out.write(b.array());
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes {@code bytes} (float32 tensors only); {@code where} names the source in errors. */
    public static Map<String, Tensor> decode(byte[] bytes, String where) throws ArtifactException {
        return decode(bytes, where, false, name -> false);
    }

    /**
     * Decodes a safetensors file written by another program: F32, and F16 or BF16 widened to
     * float32 exactly; tensors whose name {@code skip} accepts are not read (any dtype).
     */
    public static Map<String, Tensor> decodeWidening(byte[] bytes, String where, Predicate<String> skip)
            throws ArtifactException {
        return decode(bytes, where, true, skip);
    }

    private static Map<String, Tensor> decode(byte[] bytes, String where, boolean widen, Predicate<String> skip)
            throws ArtifactException {
        int headerLength = headerLength(bytes, where);
        Map<String, Map<String, Object>> header = header(bytes, headerLength, where);
        int base = 8 + headerLength;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__") || skip.test(e.getKey())) {
                continue;
            }
            tensors.put(e.getKey(), tensor(bytes, base, e.getKey(), e.getValue(), where, widen));
        }
        return tensors;
    }

    /** The length of the JSON header: the file's first 8 bytes, little-endian; it must fit in the file. */
    private static int headerLength(byte[] bytes, String where) throws ArtifactException {
        if (bytes.length < 8) {
            throw new ArtifactException(where + ": shorter than a safetensors header");
        }
        long headerLength =
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > bytes.length - 8) {
            throw new ArtifactException(where + ": header length " + headerLength + " does not fit in " + bytes.length
                    + " bytes (truncated?)");
        }
        return (int) headerLength;
    }

    /** The JSON header after the length: every tensor's dtype, shape and byte range. */
    private static Map<String, Map<String, Object>> header(byte[] bytes, int headerLength, String where)
            throws ArtifactException {
        try {
            return Json.MAPPER.readValue(
                    new String(bytes, 8, headerLength, StandardCharsets.UTF_8),
                    new TypeReference<Map<String, Map<String, Object>>>() {});
        } catch (IOException e) {
            throw new ArtifactException(where + ": header is not valid JSON: " + e.getMessage());
        }
    }

    /** The tensor {@code name} that {@code info} describes, its data {@code base} bytes into the file. */
    private static Tensor tensor(
            byte[] bytes, int base, String name, Map<String, Object> info, String where, boolean widen)
            throws ArtifactException {
        Object dtype = info.get("dtype");
        int width = "F32".equals(dtype) ? 4 : widen && ("F16".equals(dtype) || "BF16".equals(dtype)) ? 2 : 0;
        if (width == 0) {
            throw new ArtifactException(where + ": tensor " + name + " has dtype " + dtype
                    + (widen ? "; only F32, F16 and BF16 are supported" : "; only F32 is supported"));
        }
        long[] shape = longs(info.get("shape"), where, name, "shape");
        long[] range = longs(info.get("data_offsets"), where, name, "data_offsets");
        if (range.length != 2 || range[0] < 0 || range[1] < range[0] || base + range[1] > bytes.length) {
            throw new ArtifactException(where + ": tensor " + name + " lies outside the file (truncated?)");
        }
        ByteBuffer raw = ByteBuffer.wrap(bytes, base + (int) range[0], (int) (range[1] - range[0]))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] data = new float[(int) ((range[1] - range[0]) / width)];
        if (width == 4) {
            raw.asFloatBuffer().get(data);
        } else {
            boolean bf16 = "BF16".equals(dtype);
            for (int i = 0; i < data.length; i++) {
                short half = raw.getShort();
                data[i] = bf16 ? Float.intBitsToFloat((half & 0xffff) << 16) : halfToFloat(half);
            }
        }
        try {
            return new Tensor(shape, data);
        } catch (IllegalArgumentException bad) {
            throw new ArtifactException(where + ": tensor " + name + ": " + bad.getMessage());
        }
    }

    /** IEEE 754 half precision to float, exactly (subnormals, infinities and NaN included). */
    public static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal (or zero): mantissa x 2^-24, exact in float
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static long[] longs(Object value, String where, String tensor, String field) throws ArtifactException {
        List<?> list = value instanceof List<?> l ? l : new ArrayList<>();
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n) || n instanceof Double || n instanceof Float) {
                throw new ArtifactException(
                        where + ": tensor " + tensor + ": " + field + " " + value + " is not a list of integers");
            }
            out[i] = n.longValue();
        }
        return out;
    }
}
