package io.dialnet.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialnet.data.ImageBombs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class PreprocessTest {
    static byte[] jpeg() throws Exception {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(3);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    /**
     * Issue 14 (seen while seeding the request fuzz tests): the server decoded a JPEG cut after its
     * start of scan into grey rows and answered for it; training data refuses such a file. Both
     * now follow one rule: a decoder warning that means lost pixels refuses the image (400).
     */
    @Test
    void issue14ATruncatedImageIsRefusedAsInTrainingData() throws Exception {
        byte[] whole = jpeg();
        assertThat(RequestsFuzzTest.COLOUR.predictImage(whole, Map.of()).batch())
                .isEqualTo(1);
        byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
        assertThatThrownBy(() -> RequestsFuzzTest.COLOUR.predictImage(cut, Map.of()))
                .isInstanceOf(Refusal.class)
                .hasMessageContaining("the body is truncated or corrupt")
                .satisfies(e -> assertThat(((Refusal) e).status).isEqualTo(400));
    }

    /**
     * Issue 14, found by fuzzing: an image body whose header claims huge dimensions was decoded up to
     * the server's own limit. It is now refused from its header with 400 naming the dimensions, at
     * the limit image folders use (Pillow's 89,478,485 pixels) or the server's own setting.
     */
    @Test
    void issue14AnImageClaimingHugeDimensionsIsA400NamingThem() throws Exception {
        byte[] bomb = ImageBombs.png(60_000, 60_000);
        // the message names the header's dimensions: refused before any pixel is decoded
        assertThatThrownBy(() -> RequestsFuzzTest.COLOUR.predictImage(bomb, Map.of()))
                .isInstanceOf(Refusal.class)
                .hasMessageContaining("the body is 60000x60000 pixels (3,600,000,000), more than the 89,478,485")
                .satisfies(e -> assertThat(((Refusal) e).status).isEqualTo(400));
        Requests strict = new Requests(RequestsFuzzTest.COLOUR.manifest(), 4, 1000);
        assertThatThrownBy(() -> strict.predictImage(jpeg(), Map.of()))
                .hasMessageContaining("the body is 64x64 pixels (4,096), more than the 1,000");
    }
}
