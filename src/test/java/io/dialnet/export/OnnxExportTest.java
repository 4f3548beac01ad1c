package io.dialnet.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.nn.Engines;
import io.dialnet.nn.Mode;
import io.dialnet.nn.ModelSpec;
import io.dialnet.nn.Pass;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.nn.zoo.ModelZoo;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Compact ONNX subnets run by ONNX Runtime give the supernet's logits. */
@Tag("engine")
class OnnxExportTest {
    static NDManager manager;
    static OrtEnvironment ort;

    @BeforeAll
    static void start() {
        Engines.start();
        Engines.setThreads(1);
        manager = NDManager.newBaseManager();
        ort = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static float[] randomInput(int n, ModelSpec spec, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * spec.inputChannels() * spec.inputSize() * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    @Test
    void everyZooModelsSubnetsMatchTheSupernetUnderOnnxRuntime() throws Exception {
        for (String model : ModelZoo.names()) {
            ModelSpec spec = ModelZoo.defaultSpec(model);
            if (spec.inputSize() > 64) {
                spec = new ModelSpec(model, 3, 64, 10, 0);
            }
            try (SlimmableNetwork net = ModelZoo.create(spec, manager, 7);
                    NDManager step = manager.newSubManager()) {
                Shape shape = new Shape(4, spec.inputChannels(), spec.inputSize(), spec.inputSize());
                for (ChannelPlan plan : List.of(net.fullPlan(), net.uniformPlan(0.5), net.uniformPlan(0.25))) {
                    net.register(plan, false);
                    net.resetStatistics(plan);
                    for (int b = 0; b < 3; b++) { // real statistics, so BN folding is exercised
                        net.forward(new Pass(plan, Mode.CALIBRATE, step), step.create(randomInput(4, spec, b), shape));
                    }
                    float[] x = randomInput(4, spec, 99);
                    NDArray expected = net.forward(new Pass(plan, Mode.EVAL, step), step.create(x, shape));
                    float[] want = expected.toFloatArray();
                    byte[] onnx = OnnxExport.subnet(net, plan, "p", Map.of("dialnet.test", "1"));
                    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                        options.setIntraOpNumThreads(1);
                        try (OrtSession session = ort.createSession(onnx, options);
                                OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(x), shape.getShape());
                                OrtSession.Result result = session.run(Map.of(OnnxGraph.INPUT, input))) {
                            float[][] got = (float[][]) result.get(0).getValue();
                            assertThat(session.getMetadata().getCustomMetadata())
                                    .containsEntry("dialnet.test", "1");
                            double scale = 0;
                            for (float v : want) {
                                scale = Math.max(scale, Math.abs(v));
                            }
                            for (int i = 0; i < 4; i++) {
                                for (int k = 0; k < spec.classes(); k++) {
                                    assertThat((double) got[i][k])
                                            .as(model + " " + plan)
                                            .isCloseTo(
                                                    want[i * spec.classes() + k],
                                                    Offset.offset(1e-4 * Math.max(1, scale)));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
