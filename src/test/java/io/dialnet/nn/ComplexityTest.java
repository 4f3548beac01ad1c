package io.dialnet.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.dialnet.nn.zoo.ModelZoo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** MACs and params of zoo models against values computed by hand from the layer shapes. */
@Tag("engine")
class ComplexityTest {
    static NDManager manager;

    @BeforeAll
    static void start() {
        Engines.start();
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static Complexity cost(String model, double width) {
        try (SlimmableNetwork n = ModelZoo.create(ModelZoo.defaultSpec(model), manager, 1)) {
            return Complexity.of(n, width == 1 ? n.fullPlan() : n.uniformPlan(width));
        }
    }

    /** 3x3 convolution MACs: in x out x 9 x output pixels. */
    static long conv3(long in, long out, long pixels) {
        return in * out * 9 * pixels;
    }

    @Test
    void resnet20MatchesHandCount() {
        // main path: the 40.55 M usually quoted for ResNet-20 ...
        long stem = conv3(3, 16, 1024);
        long stage1 = 6 * conv3(16, 16, 1024);
        long stage2 = conv3(16, 32, 256) + 5 * conv3(32, 32, 256);
        long stage3 = conv3(32, 64, 64) + 5 * conv3(64, 64, 64);
        long mainPath = stem + stage1 + stage2 + stage3;
        assertThat(mainPath).isEqualTo(40_550_400L);
        // ... plus the two 1x1 projection shortcuts and the classifier
        long shortcuts = 16 * 32 * 256 + 32 * 64 * 64;
        assertThat(cost("resnet20", 1).macs()).isEqualTo(mainPath + shortcuts + 64 * 10);
        long half = conv3(3, 8, 1024)
                + 6 * conv3(8, 8, 1024)
                + conv3(8, 16, 256)
                + 5 * conv3(16, 16, 256)
                + conv3(16, 32, 64)
                + 5 * conv3(32, 32, 64)
                + 8 * 16 * 256
                + 16 * 32 * 64
                + 32 * 10;
        assertThat(cost("resnet20", 0.5).macs()).isEqualTo(half);
        assertThat(cost("resnet20", 1).params()).isEqualTo(272_474L);
    }

    @Test
    void resnet18At224MatchesHandCount() {
        long stem = 3L * 64 * 49 * 112 * 112;
        long layer1 = 4 * conv3(64, 64, 56 * 56);
        long layer2 = conv3(64, 128, 784) + 3 * conv3(128, 128, 784) + 64 * 128 * 784;
        long layer3 = conv3(128, 256, 196) + 3 * conv3(256, 256, 196) + 128 * 256 * 196;
        long layer4 = conv3(256, 512, 49) + 3 * conv3(512, 512, 49) + 256 * 512 * 49;
        assertThat(cost("resnet18", 1).macs()).isEqualTo(stem + layer1 + layer2 + layer3 + layer4 + 512 * 1000);
        assertThat(cost("resnet18", 1).macs() / 1e9).isBetween(1.81, 1.83);
        assertThat(cost("resnet18", 1).params()).isEqualTo(11_689_512L); // torchvision's count
    }

    @Test
    void smallCnnMatchesHandCount() {
        long macs = conv3(1, 32, 784) + conv3(32, 64, 196) + 64 * 49 * 128 + 128 * 10;
        assertThat(cost("cnn", 1).macs()).isEqualTo(macs);
    }

    @Test
    void mobilenetAndVggMatchPublishedCounts() {
        try (SlimmableNetwork m = ModelZoo.create(new ModelSpec("mobilenetv1", 3, 224, 1000, 0), manager, 1)) {
            Complexity c = Complexity.of(m, m.fullPlan());
            assertThat(c.macs() / 1e6).isBetween(568.0, 570.0); // 569 M in the MobileNet paper
            assertThat(c.params() / 1e6).isBetween(4.2, 4.3); // 4.2 M
        }
        long vgg = conv3(3, 64, 1024)
                + conv3(64, 128, 256)
                + conv3(128, 256, 64)
                + conv3(256, 256, 64)
                + conv3(256, 512, 16)
                + conv3(512, 512, 16)
                + 2 * conv3(512, 512, 4)
                + 512 * 10;
        assertThat(cost("vgg11", 1).macs()).isEqualTo(vgg);
    }

    @Test
    void macsShrinkRoughlyWithTheSquareOfWidth() {
        for (String model : ModelZoo.names()) {
            if (model.equals("resnet18") || model.equals("alexnet")) {
                continue;
            }
            double full = cost(model, 1).macs();
            assertThat(cost(model, 0.5).macs() / full).as(model).isBetween(0.2, 0.32);
        }
    }

    @Test
    void plansAreValidatedAgainstTheModel() {
        try (SlimmableNetwork n = ModelZoo.create(ModelZoo.defaultSpec("resnet20"), manager, 1)) {
            assertThatThrownBy(() -> n.validate(ChannelPlan.of(16, 16)))
                    .isInstanceOf(InvalidPlanException.class)
                    .hasMessageContaining("12 coupling sets")
                    .hasMessageContaining("gives 2");
            int[] wide = n.fullPlan().toArray();
            wide[0] = 20;
            assertThatThrownBy(() -> n.validate(ChannelPlan.of(wide)))
                    .hasMessageContaining("stage1 has 16 channels")
                    .hasMessageContaining("asks for 20");
            int[] odd = n.fullPlan().toArray();
            odd[4] = 30;
            assertThatThrownBy(() -> n.validate(ChannelPlan.of(odd)))
                    .hasMessageContaining("stage2")
                    .hasMessageContaining("not a whole number of groups of 4");
            assertThatThrownBy(() -> n.uniformPlan(1.5)).hasMessageContaining("width must be in (0, 1]");
            assertThat(n.uniformPlan(0.01).toArray()).containsOnly(4);
        }
    }

    @Test
    void unknownModelNamesTheChoices() {
        assertThatThrownBy(() -> ModelZoo.defaultSpec("resnet19"))
                .hasMessageContaining("unknown model 'resnet19'")
                .hasMessageContaining("resnet20");
    }
}
