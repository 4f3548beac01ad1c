package io.dialnet.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.dialnet.Json;
import io.dialnet.artifact.Manifest;
import io.dialnet.data.ImageDecoder;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads inference requests into normalised floats, strictly: every field is checked and a bad one
 * is a 4xx naming it (no coercion of {@code "abc"} or {@code 1.9} to a batch, no non-finite input,
 * no unknown keys). Two protocols: the short {@code /predict} (JSON, raw float32 or one encoded
 * image) and the Open Inference Protocol (KServe v2) {@code infer} with JSON tensors and the
 * binary-tensor extension.
 */
final class Requests {
    /** Largest deadline accepted, milliseconds (an hour). */
    static final double MAX_DEADLINE_MS = 3_600_000;

    static final String INPUT = "input";
    /** The binary-tensor extension's header: the length of the JSON part of a v2 body. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    static final String OUTPUT = "logits";

    private static final Set<String> PREDICT_KEYS = Set.of("input", "image", "batch", "subnet", "deadline_ms");
    private static final Set<String> QUERY_KEYS = Set.of("batch", "subnet", "deadline_ms");
    private static final Set<String> V2_KEYS = Set.of("id", "parameters", "inputs", "outputs");
    private static final Set<String> V2_PARAMETERS = Set.of("deadline_ms", "subnet", "binary_data_output");
    private static final Set<String> V2_INPUT_KEYS = Set.of("name", "shape", "datatype", "parameters", "data");

    /**
     * One parsed request.
     *
     * @param input normalised NCHW floats of {@code batch} images
     * @param subnet the subnet asked for, or null (the deadline or the default decides)
     * @param deadlineMs the client's deadline from the request's first byte, or null
     * @param id the v2 request id, echoed back (null when none)
     * @param binaryOutput answer the logits as a v2 binary tensor
     */
    record Parsed(float[] input, int batch, String subnet, Double deadlineMs, String id, boolean binaryOutput) {}

    private final Manifest manifest;
    private final Preprocess preprocess;
    private final int maxBatch;
    private final int perImage;

    Requests(Manifest manifest, int maxBatch) {
        this(manifest, maxBatch, ImageDecoder.MAX_PIXELS);
    }

    /** Requests of at most {@code maxBatch} images, each image of at most {@code maxImagePixels} pixels. */
    Requests(Manifest manifest, int maxBatch, long maxImagePixels) {
        this.manifest = manifest;
        this.preprocess = new Preprocess(manifest, maxImagePixels);
        this.maxBatch = maxBatch;
        this.perImage = preprocess.imageFloats();
    }

    int perImage() {
        return perImage;
    }

    Manifest manifest() {
        return manifest;
    }

    // ---- /predict ----

    /**
     * {@code POST /predict}: the body read by its {@code Content-Type} (JSON when none; curl's
     * form type and {@code text/plain} are JSON too), its options from the query of {@code uri}.
     */
    Parsed predict(String uri, String contentType, byte[] body) throws Refusal {
        Map<String, String> query = query(uri);
        String type = (contentType == null ? "application/json" : contentType).toLowerCase(Locale.ROOT);
        if (type.startsWith("application/octet-stream")) {
            return predictRaw(body, query);
        }
        if (type.startsWith("image/")) {
            return predictImage(body, query);
        }
        if (type.startsWith("application/json")
                || type.startsWith("text/plain")
                || type.startsWith("application/x-www-form-urlencoded")) {
            if (!query.isEmpty()) {
                throw new Refusal(
                        400,
                        "a JSON body carries its options in the body, not the query ('"
                                + query.keySet().iterator().next() + "')");
            }
            return predictJson(body);
        }
        throw new Refusal(
                415,
                "Content-Type " + type + " is not application/json, application/octet-stream (float32),"
                        + " image/png or image/jpeg");
    }

    /** The percent-decoded path of {@code uri}; a malformed %-escape is a 400. */
    static String path(String uri) throws Refusal {
        try {
            return new QueryStringDecoder(uri).path();
        } catch (IllegalArgumentException e) { // Netty's report of a bad %-escape
            throw new Refusal(400, "the request path has a malformed %-escape");
        }
    }

    /** The query parameters of {@code uri}, each given once; a malformed %-escape is a 400. */
    static Map<String, String> query(String uri) throws Refusal {
        Map<String, List<String>> parameters;
        try {
            parameters = new QueryStringDecoder(uri).parameters();
        } catch (IllegalArgumentException e) { // Netty's report of a bad %-escape
            throw new Refusal(400, "the query string has a malformed %-escape");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : parameters.entrySet()) {
            if (e.getValue().size() != 1) {
                throw new Refusal(
                        400,
                        "query parameter '" + e.getKey() + "' is given "
                                + e.getValue().size() + " times");
            }
            out.put(e.getKey(), e.getValue().get(0));
        }
        return out;
    }

    /** {@code POST /predict} with a JSON body. */
    Parsed predictJson(byte[] body) throws Refusal {
        JsonNode node = tree(body);
        if (node == null || !node.isObject()) {
            throw new Refusal(
                    400,
                    "expected a JSON object {\"input\": [floats...], \"batch\": n, \"subnet\" or "
                            + "\"deadline_ms\"}");
        }
        unknownKeys(node, PREDICT_KEYS, "");
        Integer batch = node.has("batch") ? batch(node.get("batch"), "batch") : null;
        String subnet = node.has("subnet") ? text(node.get("subnet"), "subnet") : null;
        Double deadline = node.has("deadline_ms") ? deadline(node.get("deadline_ms"), "deadline_ms") : null;
        float[] input;
        if (node.has("image")) {
            if (node.has("input")) {
                throw new Refusal(400, "send either input or image, not both");
            }
            input = jsonImages(node.get("image"), batch);
            batch = input.length / perImage;
        } else {
            input = jsonFloats(node.get("input"));
        }
        int n = batch == null ? 1 : batch;
        checkSize(input.length, n, "input");
        return new Parsed(input, n, subnet, deadline, null, false);
    }

    /** The normalised floats of {@code image}: one base64 image or a list, as many as {@code batch} says if given. */
    private float[] jsonImages(JsonNode images, Integer batch) throws Refusal {
        List<JsonNode> list = new ArrayList<>();
        if (images.isArray()) {
            images.forEach(list::add);
        } else {
            list.add(images);
        }
        if (list.isEmpty() || list.size() > maxBatch) {
            throw new Refusal(400, "image: 1.." + maxBatch + " base64 images, got " + list.size());
        }
        if (batch != null && batch != list.size()) {
            throw new Refusal(400, "batch is " + batch + " but image holds " + list.size() + " image(s)");
        }
        float[] input = new float[list.size() * perImage];
        for (int i = 0; i < list.size(); i++) {
            String what = images.isArray() ? "image[" + i + "]" : "image";
            preprocess.image(base64(list.get(i), what), what, input, i * perImage);
        }
        return input;
    }

    /** The floats of {@code input}, each a finite number. */
    private static float[] jsonFloats(JsonNode values) throws Refusal {
        if (values == null || !values.isArray()) {
            throw new Refusal(400, "input: expected a list of normalised floats (or send image: base64 PNG/JPEG)");
        }
        float[] input = new float[values.size()];
        for (int i = 0; i < input.length; i++) {
            input[i] = number(values.get(i), "input[" + i + "]");
        }
        return input;
    }

    /** {@code POST /predict} with a raw little-endian float32 body and the options in the query. */
    Parsed predictRaw(byte[] body, Map<String, String> query) throws Refusal {
        unknownQuery(query);
        if (body.length % 4 != 0) {
            throw new Refusal(
                    400, "a raw body is little-endian float32: " + body.length + " bytes is not a multiple of 4");
        }
        float[] input = new float[body.length / 4];
        ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(input);
        finite(input, "input");
        int batch = query.containsKey("batch") ? batch(query.get("batch"), "batch") : 1;
        checkSize(input.length, batch, "input");
        return new Parsed(input, batch, query.get("subnet"), queryDeadline(query), null, false);
    }

    /** {@code POST /predict} with one PNG or JPEG as the body. */
    Parsed predictImage(byte[] body, Map<String, String> query) throws Refusal {
        unknownQuery(query);
        if (query.containsKey("batch") && batch(query.get("batch"), "batch") != 1) {
            throw new Refusal(400, "batch: an image body holds exactly one image");
        }
        float[] input = new float[perImage];
        preprocess.image(body, "the body", input, 0);
        return new Parsed(input, 1, query.get("subnet"), queryDeadline(query), null, false);
    }

    private static void unknownQuery(Map<String, String> query) throws Refusal {
        for (String key : query.keySet()) {
            if (!QUERY_KEYS.contains(key)) {
                throw new Refusal(400, "unknown query parameter '" + key + "'; allowed: batch, subnet, deadline_ms");
            }
        }
    }

    private static Double queryDeadline(Map<String, String> query) throws Refusal {
        String raw = query.get("deadline_ms");
        if (raw == null) {
            return null;
        }
        try {
            return deadline(Double.parseDouble(raw), raw, "deadline_ms");
        } catch (NumberFormatException e) {
            throw new Refusal(400, "deadline_ms must be a positive number of milliseconds, got '" + raw + "'");
        }
    }

    // ---- Open Inference Protocol (KServe v2) ----

    /**
     * {@code POST /v2/models/{name}[/versions/{version}]/infer}; {@code header} is the text of the
     * binary extension's {@code Inference-Header-Content-Length} (null: the whole body is JSON).
     */
    Parsed v2(byte[] body, String header, String version) throws Refusal {
        Integer length = null;
        if (header != null) {
            try {
                length = Integer.valueOf(header.trim());
            } catch (NumberFormatException e) {
                throw new Refusal(400, HEADER_LENGTH + " must be an integer, got '" + header + "'");
            }
        }
        return v2(body, length, version);
    }

    /** As {@link #v2(byte[], String, String)} with the header's value ({@code null} when absent). */
    Parsed v2(byte[] body, Integer headerLength, String version) throws Refusal {
        int jsonLength = jsonLength(body, headerLength);
        JsonNode node = tree(Arrays.copyOf(body, jsonLength));
        if (node == null || !node.isObject()) {
            throw new Refusal(400, "expected a JSON object {\"inputs\": [...]} (Open Inference Protocol)");
        }
        unknownKeys(node, V2_KEYS, "");
        String id = node.has("id") ? text(node.get("id"), "id") : null;
        V2Options options = v2Options(node, version);
        JsonNode in = v2Input(node);
        long[] shape = shape(in.get("shape"));
        String type = in.path("datatype").asText("");
        ByteBuffer binary = binaryData(in, body, jsonLength, headerLength);
        Tensor t = switch (type) {
            case "FP32" -> fp32(shape, in.get("data"), binary);
            case "UINT8" -> uint8(shape, in.get("data"), binary);
            case "BYTES" -> bytes(shape, in.get("data"), binary);
            default ->
                throw new Refusal(
                        400, "inputs[0].datatype: '" + type + "' is not FP32, UINT8 or BYTES (an " + "encoded image)");
        };
        return new Parsed(t.values(), t.batch(), options.subnet(), options.deadlineMs(), id, options.binaryOutput());
    }

    /** How long the JSON part of a v2 body is: the binary extension's header, else the whole body. */
    private static int jsonLength(byte[] body, Integer headerLength) throws Refusal {
        int jsonLength = headerLength == null ? body.length : headerLength;
        if (jsonLength < 0 || jsonLength > body.length) {
            throw new Refusal(
                    400,
                    "Inference-Header-Content-Length " + jsonLength + " is outside the body of " + body.length
                            + " bytes");
        }
        return jsonLength;
    }

    /** A v2 request's options: the subnet (the path's version wins), the deadline, the output's form. */
    private record V2Options(String subnet, Double deadlineMs, boolean binaryOutput) {}

    /** The {@code parameters} and {@code outputs} of a v2 request; {@code version} is the path's, or null. */
    private static V2Options v2Options(JsonNode node, String version) throws Refusal {
        JsonNode parameters = node.path("parameters");
        if (!parameters.isMissingNode() && !parameters.isObject()) {
            throw new Refusal(400, "parameters must be an object");
        }
        unknownKeys(parameters, V2_PARAMETERS, "parameters.");
        String subnet = parameters.has("subnet") ? text(parameters.get("subnet"), "parameters.subnet") : null;
        if (version != null) {
            if (subnet != null && !subnet.equals(version)) {
                throw new Refusal(
                        400,
                        "parameters.subnet '" + subnet + "' differs from the version '" + version + "' in the path");
            }
            subnet = version;
        }
        Double deadline = parameters.has("deadline_ms")
                ? deadline(parameters.get("deadline_ms"), "parameters.deadline_ms")
                : null;
        boolean binaryOut = parameters.has("binary_data_output")
                && bool(parameters.get("binary_data_output"), "parameters.binary_data_output");
        return new V2Options(subnet, deadline, binaryOutput(node.path("outputs"), binaryOut));
    }

    /** Whether the logits go back binary: {@code outputs} (optional, naming the one output) may say so. */
    private static boolean binaryOutput(JsonNode outputs, boolean asked) throws Refusal {
        if (outputs.isMissingNode()) {
            return asked;
        }
        if (!outputs.isArray() || outputs.size() != 1) {
            throw new Refusal(400, "outputs: this model has one output, '" + OUTPUT + "'");
        }
        JsonNode out = outputs.get(0);
        String name = out.path("name").asText(null);
        if (!OUTPUT.equals(name)) {
            throw new Refusal(400, "outputs[0].name: unknown output '" + name + "'; this model has '" + OUTPUT + "'");
        }
        JsonNode binary = out.path("parameters").path("binary_data");
        return binary.isMissingNode() ? asked : bool(binary, "outputs[0].parameters.binary_data");
    }

    /** The one input tensor of a v2 request, its keys and name checked. */
    private static JsonNode v2Input(JsonNode node) throws Refusal {
        JsonNode inputs = node.path("inputs");
        if (!inputs.isArray() || inputs.size() != 1) {
            throw new Refusal(400, "inputs: expected exactly one input tensor, '" + INPUT + "'");
        }
        JsonNode in = inputs.get(0);
        unknownKeys(in, V2_INPUT_KEYS, "inputs[0].");
        String name = in.path("name").asText(null);
        if (!INPUT.equals(name)) {
            throw new Refusal(
                    400, "inputs[0].name: unknown input '" + name + "'; this model's input is '" + INPUT + "'");
        }
        return in;
    }

    /**
     * The binary tensor data after the JSON part (little-endian), or null when the input carries
     * its {@code data} in the JSON; every disagreement between the two is a 400.
     */
    private static ByteBuffer binaryData(JsonNode in, byte[] body, int jsonLength, Integer headerLength)
            throws Refusal {
        JsonNode size = in.path("parameters").path("binary_data_size");
        if (size.isMissingNode()) {
            if (body.length != jsonLength) {
                throw new Refusal(
                        400,
                        (body.length - jsonLength) + " bytes follow the JSON header but no input declares "
                                + "binary_data_size");
            }
            if (!in.has("data")) {
                throw new Refusal(400, "inputs[0].data is missing");
            }
            return null;
        }
        if (headerLength == null) {
            throw new Refusal(
                    400, "inputs[0].parameters.binary_data_size needs the Inference-Header-Content-Length" + " header");
        }
        if (!size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() != body.length - jsonLength) {
            throw new Refusal(
                    400,
                    "inputs[0].parameters.binary_data_size is " + size + " but " + (body.length - jsonLength)
                            + " bytes follow the JSON header");
        }
        if (in.has("data")) {
            throw new Refusal(400, "inputs[0]: send data or binary_data_size, not both");
        }
        return ByteBuffer.wrap(body, jsonLength, body.length - jsonLength)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    private record Tensor(float[] values, int batch) {}

    private Tensor fp32(long[] shape, JsonNode data, ByteBuffer binary) throws Refusal {
        int batch = imageShape(shape, "FP32");
        float[] values = new float[batch * perImage];
        if (binary != null) {
            if (binary.remaining() != 4L * values.length) {
                throw new Refusal(
                        400,
                        "inputs[0]: " + binary.remaining() + " binary bytes are not " + values.length + " FP32 values");
            }
            binary.asFloatBuffer().get(values);
            finite(values, "inputs[0].data");
        } else {
            int[] at = {0};
            flatten(data, values, at, "inputs[0].data");
            if (at[0] != values.length) {
                throw new Refusal(
                        400,
                        "inputs[0].data has " + at[0] + " values; shape " + Arrays.toString(shape) + " needs "
                                + values.length);
            }
        }
        return new Tensor(values, batch);
    }

    private Tensor uint8(long[] shape, JsonNode data, ByteBuffer binary) throws Refusal {
        int batch = imageShape(shape, "UINT8");
        byte[] pixels = new byte[batch * perImage];
        if (binary != null) {
            if (binary.remaining() != pixels.length) {
                throw new Refusal(
                        400,
                        "inputs[0]: " + binary.remaining() + " binary bytes are not " + pixels.length
                                + " UINT8 values");
            }
            binary.get(pixels);
        } else {
            float[] values = new float[pixels.length];
            int[] at = {0};
            flatten(data, values, at, "inputs[0].data");
            if (at[0] != values.length) {
                throw new Refusal(400, "inputs[0].data has " + at[0] + " values; shape needs " + values.length);
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] < 0 || values[i] > 255 || values[i] != Math.rint(values[i])) {
                    throw new Refusal(400, "inputs[0].data[" + i + "] = " + values[i] + " is not a UINT8");
                }
                pixels[i] = (byte) (int) values[i];
            }
        }
        float[] out = new float[pixels.length];
        byte[] one = new byte[perImage];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(pixels, b * perImage, one, 0, perImage);
            preprocess.pixels(one, out, b * perImage);
        }
        return new Tensor(out, batch);
    }

    private Tensor bytes(long[] shape, JsonNode data, ByteBuffer binary) throws Refusal {
        if (!(shape.length == 1 || shape.length == 2 && shape[1] == 1)) {
            throw new Refusal(
                    400,
                    "inputs[0].shape: a BYTES input is [batch] or [batch, 1] encoded images, got "
                            + Arrays.toString(shape));
        }
        int batch = batchOf(shape[0]);
        List<byte[]> images = binary != null ? binaryElements(binary) : base64Elements(data, batch);
        if (images.size() != batch) {
            throw new Refusal(400, "inputs[0]: shape says " + batch + " image(s) but " + images.size() + " came");
        }
        float[] out = new float[batch * perImage];
        for (int i = 0; i < batch; i++) {
            preprocess.image(images.get(i), "inputs[0] image " + i, out, i * perImage);
        }
        return new Tensor(out, batch);
    }

    /** The binary extension's BYTES layout: each element a 4-byte little-endian length, then its bytes. */
    private static List<byte[]> binaryElements(ByteBuffer binary) throws Refusal {
        List<byte[]> images = new ArrayList<>();
        while (binary.hasRemaining()) {
            if (binary.remaining() < 4) {
                throw new Refusal(400, "inputs[0]: a BYTES element's 4-byte length is cut off");
            }
            int n = binary.getInt();
            if (n < 0 || n > binary.remaining()) {
                throw new Refusal(400, "inputs[0]: a BYTES element of " + n + " bytes runs past the body");
            }
            byte[] image = new byte[n];
            binary.get(image);
            images.add(image);
        }
        return images;
    }

    /** JSON BYTES data: base64 strings, flat or one per row ({@code [batch, 1]}). */
    private static List<byte[]> base64Elements(JsonNode data, int batch) throws Refusal {
        if (data == null || !data.isArray()) {
            throw new Refusal(400, "inputs[0].data: expected a list of base64 images");
        }
        JsonNode flat = data.size() == batch && batch > 0 && data.get(0).isArray() ? flattenOne(data) : data;
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < flat.size(); i++) {
            images.add(base64(flat.get(i), "inputs[0].data[" + i + "]"));
        }
        return images;
    }

    private static JsonNode flattenOne(JsonNode nested) {
        var array = Json.MAPPER.createArrayNode();
        nested.forEach(row -> row.forEach(array::add));
        return array;
    }

    private int imageShape(long[] shape, String type) throws Refusal {
        var spec = manifest.model();
        if (shape.length != 4
                || shape[1] != spec.inputChannels()
                || shape[2] != spec.inputSize()
                || shape[3] != spec.inputSize()) {
            throw new Refusal(
                    400,
                    "inputs[0].shape: a " + type + " input is [batch, " + spec.inputChannels() + ", " + spec.inputSize()
                            + ", " + spec.inputSize() + "], got " + Arrays.toString(shape));
        }
        return batchOf(shape[0]);
    }

    private int batchOf(long n) throws Refusal {
        if (n < 1 || n > maxBatch) {
            throw new Refusal(400, "inputs[0].shape: batch must be 1.." + maxBatch + ", got " + n);
        }
        return (int) n;
    }

    private static long[] shape(JsonNode node) throws Refusal {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > 8) {
            throw new Refusal(400, "inputs[0].shape: expected a list of 1..8 dimensions");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new Refusal(400, "inputs[0].shape[" + i + "] must be a non-negative integer, got " + d);
            }
            shape[i] = d.asLong();
        }
        return shape;
    }

    private static void flatten(JsonNode node, float[] out, int[] at, String what) throws Refusal {
        if (node == null || !node.isArray()) {
            throw new Refusal(400, what + ": expected a list of numbers");
        }
        for (JsonNode v : node) {
            if (v.isArray()) {
                flatten(v, out, at, what);
            } else {
                if (at[0] >= out.length) {
                    at[0]++;
                    continue; // counted, so the error names the real size
                }
                out[at[0]] = number(v, what + "[" + at[0] + "]");
                at[0]++;
            }
        }
    }

    // ---- fields ----

    private static JsonNode tree(byte[] body) throws Refusal {
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Refusal(400, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Refusal(400, "unreadable body: " + e.getMessage());
        }
    }

    private static void unknownKeys(JsonNode node, Set<String> allowed, String prefix) throws Refusal {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new Refusal(400, "unknown field '" + prefix + key + "'; allowed: " + new TreeSet<>(allowed));
            }
        }
    }

    private static float number(JsonNode v, String what) throws Refusal {
        if (v == null || !v.isNumber()) {
            throw new Refusal(400, what + " is not a number");
        }
        float f = v.floatValue();
        if (!Float.isFinite(f)) {
            throw new Refusal(400, what + " = " + v + " is not a finite float32");
        }
        return f;
    }

    private static void finite(float[] values, String what) throws Refusal {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new Refusal(400, what + "[" + i + "] is " + values[i] + "; inputs must be finite");
            }
        }
    }

    private int batch(JsonNode v, String what) throws Refusal {
        if (v == null
                || !v.isNumber()
                || !(v.isIntegralNumber() || v.doubleValue() == Math.rint(v.doubleValue()))
                || !v.canConvertToLong()) {
            throw new Refusal(400, what + " must be an integer 1.." + maxBatch + ", got " + v);
        }
        long n = v.isIntegralNumber() ? v.asLong() : (long) v.doubleValue();
        if (n < 1 || n > maxBatch) {
            throw new Refusal(400, what + " must be an integer 1.." + maxBatch + ", got " + v);
        }
        return (int) n;
    }

    private int batch(String raw, String what) throws Refusal {
        try {
            long n = Long.parseLong(raw);
            if (n >= 1 && n <= maxBatch) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw new Refusal(400, what + " must be an integer 1.." + maxBatch + ", got '" + raw + "'");
    }

    private static double deadline(JsonNode v, String what) throws Refusal {
        if (v == null || !v.isNumber()) {
            throw new Refusal(400, what + " must be a positive number of milliseconds, got " + v);
        }
        return deadline(v.doubleValue(), v.toString(), what);
    }

    private static double deadline(double ms, String raw, String what) throws Refusal {
        if (!(ms > 0) || ms > MAX_DEADLINE_MS) {
            throw new Refusal(
                    400,
                    what + " must be a positive number of milliseconds up to " + (long) MAX_DEADLINE_MS + ", got "
                            + raw);
        }
        return ms;
    }

    private static String text(JsonNode v, String what) throws Refusal {
        if (v == null || !v.isTextual()) {
            throw new Refusal(400, what + " must be a string, got " + v);
        }
        return v.asText();
    }

    private static boolean bool(JsonNode v, String what) throws Refusal {
        if (v == null || !v.isBoolean()) {
            throw new Refusal(400, what + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static byte[] base64(JsonNode v, String what) throws Refusal {
        if (v == null || !v.isTextual()) {
            throw new Refusal(400, what + " must be a base64 string of a PNG or JPEG image");
        }
        try {
            return Base64.getMimeDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, what + " is not valid base64: " + e.getMessage());
        }
    }

    private void checkSize(int values, int batch, String what) throws Refusal {
        var spec = manifest.model();
        if ((long) batch * perImage != values) {
            throw new Refusal(
                    400,
                    what + " has " + values + " values; " + batch + " image(s) of "
                            + spec.inputChannels() + "x" + spec.inputSize() + "x" + spec.inputSize() + " need "
                            + (long) batch * perImage);
        }
    }
}
