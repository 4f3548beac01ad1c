package io.dialnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers of the three data layouts, on files generated here: good files and each kind of bad one. */
@Tag("fast")
class DataFilesTest {
    @TempDir
    Path dir;

    static byte[] cifarRecords(int n) {
        byte[] bytes = new byte[n * CifarReader.RECORD];
        for (int i = 0; i < n; i++) {
            bytes[i * CifarReader.RECORD] = (byte) (i % 10);
            bytes[i * CifarReader.RECORD + 1] = (byte) (100 + i);
            bytes[i * CifarReader.RECORD + 1 + 1024] = (byte) 7;
        }
        return bytes;
    }

    @Test
    void cifarRecordsBecomeNchwImagesWithLabels() throws IOException {
        Path file = dir.resolve("batch.bin");
        Files.write(file, cifarRecords(3));
        ImageDataset data = CifarReader.read(List.of(file), List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"));
        assertThat(data.size()).isEqualTo(3);
        assertThat(data.labels()).containsExactly(0, 1, 2);
        assertThat(data.pixels()[3072] & 0xff).isEqualTo(101); // image 1, red plane, first pixel
        assertThat(data.pixels()[1024]).isEqualTo((byte) 7); // image 0, green plane, first pixel
    }

    @Test
    void cifarFileOfWrongSizeIsNamedInTheError() throws IOException {
        Path file = dir.resolve("data_batch_1.bin");
        Files.write(file, new byte[3073 * 2 + 5]);
        assertThatThrownBy(() -> CifarReader.read(List.of(file), List.of("a", "b")))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("data_batch_1.bin")
                .hasMessageContaining("not a positive multiple of 3073");
    }

    @Test
    void cifarMissingBatchIsNamed() {
        assertThatThrownBy(() -> CifarReader.readTrain(dir))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("data_batch_1.bin")
                .hasMessageContaining("no such file");
    }

    @Test
    void cifarTestBatchIsReadWhenPresent() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), cifarRecords(2));
        }
        assertThat(CifarReader.readTestIfPresent(dir)).isNull();
        Files.write(dir.resolve("test_batch.bin"), cifarRecords(4));
        DataSource.Loaded loaded = DataSource.parse("cifar10:" + dir, 32).load();
        assertThat(loaded.train().size()).isEqualTo(10);
        assertThat(loaded.test().size()).isEqualTo(4);
    }

    @Test
    void aTestSetHeldOutOfTrainingDataIsDisjointFromTrainingAndValidation() throws IOException {
        for (int b = 1; b <= 5; b++) {
            byte[] records = cifarRecords(20);
            for (int i = 0; i < 20; i++) {
                records[i * CifarReader.RECORD + 2] = (byte) (b * 20 + i); // every image distinct
            }
            Files.write(dir.resolve("data_batch_" + b + ".bin"), records);
        }
        DataSource.Loaded loaded = DataSource.parse("cifar10:" + dir, 32).load();
        DataRecipe recipe = DataRecipe.builder()
                .setSource("cifar10:" + dir)
                .optImageSize(32)
                .optValidationSize(10)
                .optSplitSeed(7)
                .optTestHoldout(30)
                .build();
        DataRecipe.Prepared prepared = recipe.prepare(loaded);
        assertThat(prepared.test().size()).isEqualTo(30);
        assertThat(prepared.split().validation().size()).isEqualTo(10);
        assertThat(prepared.split().train().size()).isEqualTo(60);
        Set<String> seen = new HashSet<>();
        for (ImageSet set : List.of(
                prepared.test(), prepared.split().validation(), prepared.split().train())) {
            ImageDataset part = (ImageDataset) set;
            int size = part.channels() * part.height() * part.width();
            for (int i = 0; i < part.size(); i++) {
                assertThat(seen.add(Arrays.toString(Arrays.copyOfRange(part.pixels(), i * size, (i + 1) * size))))
                        .isTrue();
            }
        }
        // the recorded recipe prepares the same split again
        assertThat(prepared.recipe().prepare(loaded).test().labels())
                .containsExactly(prepared.test().labels());
        assertThatThrownBy(() -> DataRecipe.builder()
                        .setSource("cifar10:" + dir)
                        .optImageSize(32)
                        .optValidationSize(10)
                        .optSplitSeed(7)
                        .optTestHoldout(100)
                        .build()
                        .prepare(loaded))
                .hasMessageContaining("--test-holdout 100");
    }

    static byte[] idxImages(int n, int rows, int cols, int magic) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) (i % 251));
        }
        return b.array();
    }

    static byte[] idxLabels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(IdxReader.LABELS_MAGIC).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void idxIsReadGzippedOrPlain() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idxImages(5, 28, 28, IdxReader.IMAGES_MAGIC)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idxLabels(5));
        ImageDataset data =
                (ImageDataset) DataSource.parse("idx:" + dir, 0).load().train();
        assertThat(data.size()).isEqualTo(5);
        assertThat(data.channels()).isEqualTo(1);
        assertThat(data.height()).isEqualTo(28);
        assertThat(data.labels()).containsExactly(0, 1, 2, 3, 4);
        assertThat(data.pixels()[784] & 0xff).isEqualTo(784 % 251);
    }

    @Test
    void idxWrongMagicIsNamed() throws IOException {
        Path images = dir.resolve("img");
        Path labels = dir.resolve("lab");
        Files.write(images, idxImages(2, 4, 4, 0x0801));
        Files.write(labels, idxLabels(2));
        assertThatThrownBy(() -> IdxReader.read(images, labels, null))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining("magic number 0x00000801");
    }

    @Test
    void idxTruncatedImagesAreNamed() throws IOException {
        Path images = dir.resolve("img");
        Path labels = dir.resolve("lab");
        byte[] full = idxImages(3, 4, 4, IdxReader.IMAGES_MAGIC);
        Files.write(images, Arrays.copyOf(full, full.length - 5));
        Files.write(labels, idxLabels(3));
        assertThatThrownBy(() -> IdxReader.read(images, labels, null)).hasMessageContaining("truncated");
    }

    @Test
    void idxCountMismatchIsNamed() throws IOException {
        Path images = dir.resolve("img");
        Path labels = dir.resolve("lab");
        Files.write(images, idxImages(3, 4, 4, IdxReader.IMAGES_MAGIC));
        Files.write(labels, idxLabels(2));
        assertThatThrownBy(() -> IdxReader.read(images, labels, null))
                .hasMessageContaining("3 images but")
                .hasMessageContaining("2 labels");
    }

    @Test
    void idxCorruptGzipIsNamed() throws IOException {
        Path images = dir.resolve("img.gz");
        byte[] z = gzip(idxImages(3, 4, 4, IdxReader.IMAGES_MAGIC));
        Files.write(images, Arrays.copyOf(z, z.length / 2));
        Files.write(dir.resolve("lab"), idxLabels(3));
        assertThatThrownBy(() -> IdxReader.read(images, dir.resolve("lab"), null))
                .hasMessageContaining("img.gz")
                .hasMessageContaining("gzip");
    }

    @Test
    void folderImagesAreResizedAndCentreCroppedToPlanarRgb() throws IOException {
        for (String cls : List.of("cat", "dog")) {
            Files.createDirectories(dir.resolve(cls));
            BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
            int rgb = cls.equals("cat") ? 0xFF0000 : 0x0000FF;
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 40; x++) {
                    image.setRGB(x, y, rgb);
                }
            }
            ImageIO.write(image, "png", dir.resolve(cls).resolve("a.png").toFile());
        }
        Files.writeString(dir.resolve("cat").resolve("notes.txt"), "ignored");
        ImageFolder data = ImageFolderReader.read(dir, 16);
        assertThat(data.classNames()).containsExactly("cat", "dog");
        assertThat(data.size()).isEqualTo(2);
        assertThat(data.height()).isEqualTo(16);
        Normalization identity =
                new Normalization(new double[] {0, 0, 0}, new double[] {1 / 255.0, 1 / 255.0, 1 / 255.0});
        float[] pixels;
        try (BatchLoader.Epoch epoch = new BatchLoader(data, identity).ordered(2)) {
            pixels = epoch.next().pixels();
        }
        assertThat(pixels[0]).isEqualTo(255f); // cat: red plane
        assertThat(pixels[2 * 256]).isEqualTo(0f); // cat: blue plane
        assertThat(pixels[768 + 2 * 256]).isEqualTo(255f); // dog: blue plane
    }

    @Test
    void folderWithUnreadableImageIsNamed() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("a").resolve("broken.jpg"), "not a jpeg");
        ImageFolder folder = ImageFolderReader.read(dir, 8);
        assertThatThrownBy(() -> BatchLoaderTest.all(new BatchLoader(folder, Normalization.IMAGENET).ordered(1)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("broken.jpg");
    }

    @Test
    void unknownFormatAndMissingDirectoryAreClear() {
        assertThatThrownBy(() -> DataSource.parse("parquet:/x", 32))
                .hasMessageContaining("unknown data format 'parquet'");
        assertThatThrownBy(() ->
                        DataSource.parse("cifar10:" + dir.resolve("nope"), 32).load())
                .hasMessageContaining("nope")
                .hasMessageContaining("no such directory");
    }

    @Test
    void demoDataIsShippedAndBalanced() {
        DataSource.Loaded demo = DemoData.load();
        assertThat(demo.train().size()).isEqualTo(10_000);
        assertThat(demo.test().size()).isEqualTo(2_000);
        int[] counts = new int[10];
        for (int label : demo.train().labels()) {
            counts[label]++;
        }
        assertThat(Arrays.stream(counts).boxed().toList())
                .allSatisfy(c -> assertThat(c).isBetween(900, 1100));
    }
}
