package io.dialnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** torchvision's crop recipe against boxes worked out by hand, and the resampling against hand-computed pixels. */
@Tag("fast")
class CropsTest {
    /** Returns scripted uniforms and integers, and records the bounds of the integer draws. */
    static final class Scripted extends Random {
        private static final long serialVersionUID = 1L;
        final Deque<Double> doubles = new ArrayDeque<>();
        final Deque<Integer> ints = new ArrayDeque<>();
        final List<Integer> bounds = new ArrayList<>();

        Scripted(double... uniforms) {
            for (double u : uniforms) {
                doubles.add(u);
            }
        }

        Scripted then(int... values) {
            for (int v : values) {
                ints.add(v);
            }
            return this;
        }

        @Override
        public double nextDouble() {
            return doubles.isEmpty() ? 0.99 : doubles.poll();
        }

        @Override
        public int nextInt(int bound) {
            bounds.add(bound);
            return ints.poll();
        }
    }

    @Test
    void randomResizedCropDrawsAreaThenRatioThenTopThenLeft() {
        // 500x375: area 187,500; u = 0.5 -> 0.54 of it = 101,250; ratio exp(0) = 1 -> 318.2 -> 318 x 318
        Scripted r = new Scripted(0.5, 0.5).then(10, 100);
        assertThat(Crops.randomResized(500, 375, r)).isEqualTo(new Crops.Box(100, 10, 318, 318));
        assertThat(r.bounds).containsExactly(375 - 318 + 1, 500 - 318 + 1);

        // u = 0.3 -> 0.356 of the area = 66,750; ratio exp(ln 3/4 + 0.9 ln 16/9) = 1.2599 -> 289.87 x 230.28
        Scripted r2 = new Scripted(0.3, 0.9).then(145, 0);
        assertThat(Crops.randomResized(500, 375, r2)).isEqualTo(new Crops.Box(0, 145, 290, 230));
        assertThat(r2.bounds).containsExactly(146, 211);
    }

    @Test
    void aBoxThatDoesNotFitIsDrawnAgain() {
        // first draw: 0.9908 of the area at ratio 3/4 -> 373 x 498, taller than 375; the second fits
        Scripted r = new Scripted(0.99, 0.0, 0.5, 0.5).then(0, 0);
        assertThat(Crops.randomResized(500, 375, r)).isEqualTo(new Crops.Box(0, 0, 318, 318));
    }

    @Test
    void tenMisfitsFallBackToTheCentredCropClampedToTheRatioRange() {
        // 100x10 (ratio 10 > 4/3): every draw is taller than 10; fallback h = 10, w = round(10 * 4/3) = 13,
        // left = (100 - 13) // 2 = 43
        assertThat(Crops.randomResized(100, 10, new Scripted())).isEqualTo(new Crops.Box(43, 0, 13, 10));
        // 10x100 (ratio 0.1 < 3/4): w = 10, h = round(10 / (3/4)) = 13, top = 43
        assertThat(Crops.randomResized(10, 100, new Scripted())).isEqualTo(new Crops.Box(0, 43, 10, 13));
        // 2x2 (ratio 1, within range), uniforms 0: area 0.32 at ratio 3/4 -> w = round(0.49) = 0, never fits;
        // the fallback is the whole image
        assertThat(Crops.randomResized(
                        2,
                        2,
                        new Scripted(
                                0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                                0.0, 0.0, 0.0)))
                .isEqualTo(new Crops.Box(0, 0, 2, 2));
    }

    @Test
    void evaluationKeepsTheCentredSquareOfResize256CentreCrop224() {
        // 500x375: shorter side 375 -> 256, so the 224 crop is 375 * 224 / 256 = 328.125 source pixels
        assertThat(Crops.centre(500, 375)).isEqualTo(new Crops.Box(85.9375, 23.4375, 328.125, 328.125));
        assertThat(Crops.centre(256, 512)).isEqualTo(new Crops.Box(16, 144, 224, 224));
    }

    @Test
    void randomResizedCropsStayInsideTheImageAndSpanTheScaleRange() {
        Random random = new Random(1);
        double smallest = 1;
        double largest = 0;
        for (int i = 0; i < 2000; i++) {
            Crops.Box b = Crops.randomResized(500, 375, random);
            assertThat(b.x()).isGreaterThanOrEqualTo(0);
            assertThat(b.y()).isGreaterThanOrEqualTo(0);
            assertThat(b.x() + b.width()).isLessThanOrEqualTo(500);
            assertThat(b.y() + b.height()).isLessThanOrEqualTo(375);
            double scale = b.width() * b.height() / (500.0 * 375);
            smallest = Math.min(smallest, scale);
            largest = Math.max(largest, scale);
        }
        assertThat(smallest).isLessThan(0.1);
        assertThat(largest).isGreaterThan(0.9);
    }

    @Test
    void resamplingIsBilinearWithCentredPixelsAndFlipMirrors() {
        // 2x2 image, red channel [[0, 100], [200, 40]], green = 1, blue = 2; upsampled to 4x4.
        // Sample positions (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
        byte[] rgb = {0, 1, 2, 100, 1, 2, (byte) 200, 1, 2, 40, 1, 2};
        float[] out = new float[3 * 16 + 5];
        float[] one = {1, 1, 1};
        float[] zero = {0, 0, 0};
        Crops.resample(rgb, 2, 2, new Crops.Box(0, 0, 2, 2), false, 4, one, zero, out, 5);
        assertThat(out[5]).isEqualTo(0f); // (0,0) clamps to the corner
        assertThat(out[5 + 1]).isCloseTo(25f, within(1e-5f)); // x 0.25, y 0: 0.75 * 0 + 0.25 * 100
        assertThat(out[5 + 4 + 1]).isCloseTo(58.75f, within(1e-4f)); // y 0.25: 25 + 0.25 * (160 - 25)
        assertThat(out[5 + 15]).isCloseTo(40f, within(1e-5f));
        assertThat(out[5 + 16]).isEqualTo(1f); // green plane
        assertThat(out[5 + 32 + 7]).isEqualTo(2f); // blue plane
        Crops.resample(
                rgb, 2, 2, new Crops.Box(0, 0, 2, 2), true, 4, new float[] {2, 1, 1}, new float[] {-1, 0, 0}, out, 0);
        assertThat(out[0]).isCloseTo(2 * 100 - 1f, within(1e-4f)); // mirrored: (0,0) shows (3,0); scale, shift
        assertThat(out[2]).isCloseTo(2 * 25 - 1f, within(1e-4f));
    }

    @Test
    void aBoxOfTheOutputSizeCopiesPixelsExactly() {
        byte[] rgb = new byte[3 * 5 * 4];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 7);
        }
        float[] out = new float[3 * 9];
        Crops.resample(rgb, 5, 4, new Crops.Box(1, 1, 3, 3), false, 3, new float[] {1, 1, 1}, new float[3], out, 0);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(out[c * 9 + y * 3 + x]).isEqualTo(rgb[3 * ((y + 1) * 5 + x + 1) + c] & 0xff);
                }
            }
        }
    }
}
