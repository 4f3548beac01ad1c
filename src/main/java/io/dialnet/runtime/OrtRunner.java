package io.dialnet.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.artifact.DynamicModelFile;
import io.dialnet.artifact.Manifest;
import io.dialnet.nn.Devices;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime over the artifact's compact per-subnet graphs: one session per subnet, created at load. */
final class OrtRunner implements SubnetRunner {
    private final Map<String, OrtSession> sessions = new LinkedHashMap<>();

    private OrtRunner() {}

    static OrtRunner open(
            Path file, DynamicModelFile artifact, int threads, Devices devices, String option, OrtSettings settings)
            throws ArtifactException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtRunner runner = new OrtRunner();
        try (OrtSession.SessionOptions options = OrtSessions.options(threads, devices, option, settings)) {
            for (Manifest.SubnetEntry s : artifact.manifest().subnets()) {
                byte[] graph = artifact.onnx().get(s.name());
                if (graph == null) {
                    throw new ArtifactException(file + ": subnet " + s.name() + " has no ONNX graph; export it again "
                            + "without --no-onnx, or load with the DJL back end");
                }
                runner.sessions.put(s.name(), env.createSession(graph, options));
            }
        } catch (OrtException e) {
            runner.close();
            throw new ArtifactException(file + ": ONNX Runtime rejects a graph: " + e.getMessage());
        } catch (ArtifactException | RuntimeException e) {
            runner.close();
            throw e;
        }
        return runner;
    }

    @Override
    public float[] run(float[] input, long[] shape, String subnet) {
        int batch = (int) shape[0];
        try (OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(input), shape);
                OrtSession.Result result = sessions.get(subnet).run(Map.of("input", x))) {
            float[][] logits = (float[][]) result.get(0).getValue();
            float[] flat = new float[batch * logits[0].length];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(logits[i], 0, flat, i * logits[i].length, logits[i].length);
            }
            return flat;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on subnet " + subnet + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (OrtSession session : sessions.values()) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // closing frees native memory; nothing useful to do if it reports an error
            }
        }
    }
}
