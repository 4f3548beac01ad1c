package io.dialnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class BatchLoaderTest {
    /** n single-channel 4x4 images whose every pixel is the image index, label = index % 3. */
    static ImageDataset numbered(int n) {
        byte[] pixels = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(pixels, i * 16, (i + 1) * 16, (byte) i);
            labels[i] = i % 3;
        }
        return new ImageDataset(pixels, labels, 1, 4, 4, List.of("a", "b", "c"));
    }

    static List<Batch> all(BatchLoader.Epoch epoch) {
        List<Batch> batches = new ArrayList<>();
        try (epoch) {
            epoch.forEachRemaining(batches::add);
        }
        return batches;
    }

    @Test
    void orderedPassSeesEveryImageOnceAndNormalises() {
        Normalization norm = new Normalization(new double[] {0.5}, new double[] {0.25});
        List<Batch> batches = all(new BatchLoader(numbered(10), norm).ordered(4));
        assertThat(batches).extracting(Batch::size).containsExactly(4, 4, 2);
        // image 9: pixel 9/255, normalised (9/255 - 0.5) / 0.25
        assertThat(batches.get(2).pixels()[16]).isCloseTo((float) ((9 / 255.0 - 0.5) / 0.25), Offset.offset(1e-6f));
        assertThat(batches.get(2).labels()).containsExactly(8 % 3, 9 % 3);
    }

    @Test
    void trainingEpochsAreSeededShuffledAndDropTheLastPartialBatch() {
        BatchLoader loader = new BatchLoader(numbered(10), Normalization.of(numbered(10)));
        List<Batch> a = all(loader.training(3, Augmentation.NONE, 7, 1));
        List<Batch> b = all(loader.training(3, Augmentation.NONE, 7, 1));
        List<Batch> c = all(loader.training(3, Augmentation.NONE, 7, 2));
        assertThat(a).hasSize(3);
        assertThat(a)
                .extracting(x -> Arrays.toString(x.labels()))
                .isEqualTo(b.stream().map(x -> Arrays.toString(x.labels())).toList());
        assertThat(firstPixels(a)).isNotEqualTo(firstPixels(c));
        Set<Float> distinct = new HashSet<>(firstPixels(a));
        assertThat(distinct).hasSize(9);
    }

    private static List<Float> firstPixels(List<Batch> batches) {
        List<Float> out = new ArrayList<>();
        for (Batch batch : batches) {
            for (int i = 0; i < batch.size(); i++) {
                out.add(batch.pixels()[i * 16]);
            }
        }
        return out;
    }

    @Test
    void cropPadsWithBlackAndFlipMirrors() {
        byte[] pixels = new byte[16];
        for (int i = 0; i < 16; i++) {
            pixels[i] = (byte) (i % 4 * 50 + 10); // columns 10, 60, 110, 160
        }
        ImageDataset one = new ImageDataset(pixels, new int[] {0}, 1, 4, 4, List.of("a", "b"));
        Normalization identity = new Normalization(new double[] {0}, new double[] {1 / 255.0});
        Set<String> rows = new HashSet<>();
        for (int epoch = 0; epoch < 40; epoch++) {
            Batch batch = all(new BatchLoader(one, identity).training(1, new Augmentation(1, true), 3, epoch))
                    .get(0);
            float[] p = batch.pixels();
            float[] row = Arrays.copyOfRange(p, 4, 8);
            for (int i = 0; i < row.length; i++) {
                row[i] += 0f; // -0.0 (black, normalised) prints as 0.0
            }
            rows.add(Arrays.toString(row));
        }
        // shifted by -1..1 columns, flipped or not, with black (0) where the crop leaves the image
        assertThat(rows)
                .contains("[10.0, 60.0, 110.0, 160.0]", "[160.0, 110.0, 60.0, 10.0]", "[0.0, 10.0, 60.0, 110.0]");
    }

    @Test
    void splitIsSeededAndDisjoint() {
        ImageDataset data = numbered(50);
        Split a = Split.carve(data, 10, 1);
        Split b = Split.carve(data, 10, 1);
        ImageDataset aTrain = (ImageDataset) a.train();
        ImageDataset aValidation = (ImageDataset) a.validation();
        assertThat(aValidation.pixels()).isEqualTo(((ImageDataset) b.validation()).pixels());
        Set<Byte> train = new HashSet<>();
        for (int i = 0; i < aTrain.size(); i++) {
            train.add(aTrain.pixels()[i * 16]);
        }
        for (int i = 0; i < aValidation.size(); i++) {
            assertThat(train).doesNotContain(aValidation.pixels()[i * 16]);
        }
        assertThatThrownBy(() -> Split.carve(data, 50, 1)).hasMessageContaining("validation size 50");
    }

    @Test
    void batchLargerThanDataIsRejected() {
        BatchLoader loader = new BatchLoader(numbered(5), Normalization.of(numbered(5)));
        assertThatThrownBy(() -> loader.training(6, Augmentation.NONE, 1, 1)).hasMessageContaining("batch size 6");
    }
}
