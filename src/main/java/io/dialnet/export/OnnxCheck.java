package io.dialnet.export;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an exported graph in ONNX Runtime next to the supernet on the same inputs. */
public final class OnnxCheck {
    /** The largest difference in logits an exported graph may show. */
    public static final double TOLERANCE = 1e-4;

    private OnnxCheck() {}

    /** Largest absolute difference between ORT's and the supernet's logits on {@code images} ({@code n} of them). */
    public static double maxAbsDifference(
            SlimmableNetwork network, ChannelPlan plan, byte[] graph, float[] images, int n) throws OrtException {
        ModelSpec spec = network.spec();
        int count = images.length / (spec.inputChannels() * spec.inputSize() * spec.inputSize());
        Shape shape = new Shape(count, spec.inputChannels(), spec.inputSize(), spec.inputSize());
        float[] expected;
        Engines.noGrad();
        try (NDManager manager = network.manager().getParentManager().newSubManager()) {
            expected = network.forward(new Pass(plan, Mode.EVAL, manager), manager.create(images, shape))
                    .toFloatArray();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(graph, options);
                    OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape.getShape());
                    OrtSession.Result result = session.run(Map.of(OnnxGraph.INPUT, input))) {
                float[][] got = (float[][]) result.get(0).getValue();
                double max = 0;
                for (int i = 0; i < got.length; i++) {
                    for (int k = 0; k < got[i].length; k++) {
                        max = Math.max(max, Math.abs(got[i][k] - expected[i * got[i].length + k]));
                    }
                }
                return max;
            }
        }
    }
}
