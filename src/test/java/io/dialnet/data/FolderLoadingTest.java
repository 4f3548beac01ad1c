package io.dialnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dialnet.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders read as files: bad files named or skipped, batches independent of threads and cache. */
@Tag("fast")
class FolderLoadingTest {
    @TempDir
    Path dir;

    /** A {@code width x height} JPEG of noise around {@code base} (so the scan data is long enough to cut). */
    static byte[] jpeg(int width, int height, int base, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = Math.min(255, (base >> 16 & 0xff) + random.nextInt(32));
                int g = Math.min(255, (base >> 8 & 0xff) + random.nextInt(32));
                int b = Math.min(255, (base & 0xff) + random.nextInt(32));
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code jpeg} cut halfway between its start-of-scan marker (FF DA) and its end. */
    static byte[] cutAfterStartOfScan(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xFF && (jpeg[i + 1] & 0xff) == 0xDA) {
                return Arrays.copyOf(jpeg, i + (jpeg.length - i) / 2);
            }
        }
        throw new IllegalArgumentException("no start-of-scan marker");
    }

    /** {@code perClass} JPEGs in each of {@code classes} class folders under {@code root}. */
    static void folder(Path root, int classes, int perClass, int width, int height) throws IOException {
        for (int c = 0; c < classes; c++) {
            Path d = Files.createDirectories(root.resolve("class" + c));
            for (int i = 0; i < perClass; i++) {
                Files.write(d.resolve("img" + i + ".jpg"), jpeg(width, height, c * 0x402010, c * 1000L + i));
            }
        }
    }

    static List<Batch> all(BatchLoader.Epoch epoch) {
        return BatchLoaderTest.all(epoch);
    }

    static ImageFolder index(Path root, int size, FolderOptions options) {
        return ImageFolderReader.read(root, size, new ImageDecoder(options));
    }

    @Test
    void aJpegTruncatedAfterItsStartOfScanIsAnErrorNamingTheFile() throws IOException {
        folder(dir, 2, 2, 64, 48);
        byte[] full = jpeg(64, 48, 0x808080, 9);
        Files.write(dir.resolve("class1").resolve("cut.jpg"), cutAfterStartOfScan(full));
        // The same calls against the old reader: it decoded the cut file's grey rows without a word.
        DataSource.Loaded loaded = DataSource.parse("folder:" + dir, 16).load();
        BatchLoader loader = new BatchLoader(loaded.train(), Normalization.of(loaded.train()));
        assertThatThrownBy(() -> all(loader.ordered(5)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("cut.jpg")
                .hasMessageContaining("truncated")
                .hasMessageContaining("--skip-bad-images");
    }

    @Test
    void skippedBadImagesAreCountedAndLeaveTheirBatchShort() throws IOException {
        folder(dir, 2, 3, 40, 30);
        byte[] full = jpeg(64, 48, 0x808080, 9);
        Files.write(dir.resolve("class0").resolve("cut.jpg"), cutAfterStartOfScan(full));
        Files.writeString(dir.resolve("class1").resolve("text.jpg"), "not a jpeg");
        List<String> log = new ArrayList<>();
        ImageFolder folder = index(dir, 16, new FolderOptions(2, true, 0, log::add));
        assertThat(folder.size()).isEqualTo(8);
        BatchLoader loader = new BatchLoader(folder, Normalization.IMAGENET);
        for (int pass = 0; pass < 2; pass++) {
            List<Batch> batches = all(loader.ordered(8));
            assertThat(batches).hasSize(1);
            assertThat(batches.get(0).size()).isEqualTo(6);
            assertThat(batches.get(0).labels()).containsExactly(0, 0, 0, 1, 1, 1);
        }
        assertThat(folder.decoder().skipped()).isEqualTo(2);
        assertThat(log).hasSize(2); // each bad file announced once, not once per epoch
        assertThat(String.join("\n", log))
                .contains("cut.jpg")
                .contains("text.jpg")
                .contains("2 bad images skipped");
    }

    /**
     * Issue 14, found by fuzzing: a PNG of a few hundred bytes whose header claims 25000x25000 RGB
     * pixels made the decoder allocate 1.9 GB and spend 8 s before failing. An image claiming more
     * than Pillow's 89,478,485 pixels is now refused from its header, naming the file and its size.
     */
    @Test
    void issue14AnImageClaimingHugeDimensionsIsRefusedFromItsHeader() throws IOException {
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, ImageBombs.png(25_000, 25_000));
        // the message names the header's dimensions: refused before any pixel is decoded
        assertThatThrownBy(() -> ImageDecoder.read(bomb))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("bomb.png")
                .hasMessageContaining("is 25000x25000 pixels (625,000,000), more than the 89,478,485");

        folder(dir.resolve("f"), 2, 2, 40, 30);
        Files.write(dir.resolve("f/class1/huge.png"), ImageBombs.png(60_000, 60_000));
        ImageFolder folder = index(dir.resolve("f"), 16, new FolderOptions(1, false, 0, null));
        assertThatThrownBy(() -> all(new BatchLoader(folder, Normalization.IMAGENET).ordered(5)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("huge.png")
                .hasMessageContaining("60000x60000")
                .hasMessageContaining("--skip-bad-images");
        // a lower limit is honoured: these 40x30 images are then too large
        ImageFolder small = index(dir.resolve("f"), 16, new FolderOptions(1, false, 0, null).withMaxImagePixels(1000));
        assertThatThrownBy(() -> all(new BatchLoader(small, Normalization.IMAGENET).ordered(5)))
                .hasMessageContaining("is 40x30 pixels (1,200), more than the 1,000");
    }

    @Test
    void issue14AnImageClaimingHugeDimensionsIsSkippedAndAnnouncedOnce() throws IOException {
        folder(dir, 2, 2, 40, 30);
        Files.write(dir.resolve("class1").resolve("huge.png"), ImageBombs.png(60_000, 60_000));
        List<String> log = new ArrayList<>();
        ImageFolder folder = index(dir, 16, new FolderOptions(1, true, 0, log::add));
        BatchLoader loader = new BatchLoader(folder, Normalization.IMAGENET);
        for (int pass = 0; pass < 2; pass++) {
            List<Batch> batches = all(loader.ordered(5));
            assertThat(batches.get(0).size()).isEqualTo(4);
        }
        assertThat(folder.decoder().skipped()).isEqualTo(1);
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).contains("huge.png").contains("60000x60000");
    }

    @Test
    void batchesArePureFunctionsOfSeedAndEpochWhateverTheThreadsOrCache() throws IOException {
        folder(dir, 3, 7, 50, 37);
        Augmentation recipe = Augmentation.RESIZED_CROP_AND_FLIP;
        List<Batch> one =
                all(new BatchLoader(index(dir, 24, new FolderOptions(1, false, 0, null)), Normalization.IMAGENET)
                        .training(4, recipe, 5, 3));
        ImageFolder cached = index(dir, 24, new FolderOptions(4, false, 1 << 30, null));
        BatchLoader many = new BatchLoader(cached, Normalization.IMAGENET);
        List<Batch> four = all(many.training(4, recipe, 5, 3));
        assertThat(cached.decoder().cachedBytes()).isEqualTo(20L * 3 * 50 * 37); // the epoch's 20 images
        List<Batch> fromCache = all(many.training(4, recipe, 5, 3));
        assertThat(one).hasSize(5); // 21 images, full batches of 4
        for (int b = 0; b < one.size(); b++) {
            assertThat(four.get(b).labels()).isEqualTo(one.get(b).labels());
            assertThat(four.get(b).pixels()).isEqualTo(one.get(b).pixels());
            assertThat(fromCache.get(b).pixels()).isEqualTo(one.get(b).pixels());
        }
        List<Batch> nextEpoch = all(many.training(4, recipe, 5, 4));
        assertThat(nextEpoch.get(0).pixels()).isNotEqualTo(one.get(0).pixels());
        // evaluation is the centre view, without randomness
        assertThat(all(many.ordered(21)).get(0).pixels())
                .isEqualTo(all(many.ordered(21)).get(0).pixels());
    }

    @Test
    void foldersAreTorchvisionImageFoldersAndNormaliseWithImageNetStatistics() throws IOException {
        folder(dir.resolve("train"), 2, 2, 20, 20);
        folder(dir.resolve("test"), 2, 1, 20, 20);
        Path nested =
                Files.createDirectories(dir.resolve("train").resolve("class1").resolve("more"));
        Files.write(nested.resolve("deep.JPG"), jpeg(20, 20, 0, 1));
        Files.write(dir.resolve("train").resolve("class0").resolve("._resource.jpg"), new byte[] {0});
        Files.createDirectories(dir.resolve("train").resolve(".cache"));
        DataSource.Loaded loaded = DataSource.parse("folder:" + dir, 8).load();
        assertThat(loaded.train().size()).isEqualTo(5);
        assertThat(loaded.train().classNames()).containsExactly("class0", "class1");
        assertThat(loaded.test().size()).isEqualTo(2);
        assertThat(Normalization.of(loaded.train())).isEqualTo(Normalization.IMAGENET);
        assertThat(Augmentation.standardFor(DataSource.Format.FOLDER)).isEqualTo(Augmentation.RESIZED_CROP_AND_FLIP);
        assertThatThrownBy(() -> new BatchLoader(loaded.train(), Normalization.IMAGENET)
                        .training(2, new Augmentation(8, true), 1, 1))
                .hasMessageContaining("RandomResizedCrop");
    }

    @Test
    void batchesPastTwoBillionFloatsAreRefusedBeforeAnyAllocation() {
        ImageFolder big = new ImageFolder(
                dir, new String[1000], new int[1000], 1024, List.of("a", "b"), new ImageDecoder(FolderOptions.DEFAULT));
        // 1000 * 3 * 1024 * 1024 floats = 3.1e9 > 2^31: an int product would wrap to a negative size
        assertThatThrownBy(() -> new BatchLoader(big, Normalization.IMAGENET).ordered(1000))
                .hasMessageContaining("exceeds 2^31 floats");
    }

    @Test
    void aTrainingLimitOnAFolderKeepsEveryClass() throws IOException {
        folder(dir, 4, 10, 8, 8);
        DataSource.Loaded loaded = DataSource.parse("folder:" + dir, 8).load();
        DataRecipe recipe = DataRecipe.builder()
                .setSource("folder:" + dir)
                .optImageSize(8)
                .optValidationSize(4)
                .optTrainLimit(12)
                .optSplitSeed(3)
                .optAugmentation(Augmentation.RESIZED_CROP_AND_FLIP)
                .build();
        ImageSet train = recipe.prepare(loaded).split().train();
        assertThat(train.size()).isEqualTo(12);
        assertThat(Arrays.stream(train.labels()).distinct().count()).isEqualTo(4);
        assertThat(recipe.prepare(loaded).split().train().labels()).containsExactly(train.labels());
    }

    @Test
    void recipesRecordedBeforeResizedCropsReadBackWithout() throws IOException {
        ObjectMapper json = Json.MAPPER;
        assertThat(json.readValue("{\"padding\":4,\"flip\":true}", Augmentation.class))
                .isEqualTo(new Augmentation(4, true));
        String written = json.writeValueAsString(Augmentation.RESIZED_CROP_AND_FLIP);
        assertThat(json.readValue(written, Augmentation.class)).isEqualTo(Augmentation.RESIZED_CROP_AND_FLIP);
    }

    @Test
    void greyAndPngImagesBecomeRgb() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        BufferedImage grey = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 77);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                grey.getRaster().setSample(x, y, 0, 77);
            }
        }
        ImageIO.write(grey, "png", dir.resolve("a").resolve("grey.png").toFile());
        BufferedImage argb = new BufferedImage(10, 10, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                argb.setRGB(x, y, 0x80102030);
            }
        }
        ImageIO.write(argb, "png", dir.resolve("b").resolve("alpha.png").toFile());
        Normalization identity =
                new Normalization(new double[] {0, 0, 0}, new double[] {1 / 255.0, 1 / 255.0, 1 / 255.0});
        Batch batch = all(new BatchLoader(ImageFolderReader.read(dir, 4), identity).ordered(2))
                .get(0);
        assertThat(batch.pixels()[0]).isEqualTo(77f);
        assertThat(batch.pixels()[2 * 16]).isEqualTo(77f);
        assertThat(batch.pixels()[48]).isEqualTo(0x10); // alpha dropped, colour kept
        assertThat(batch.pixels()[48 + 16]).isEqualTo(0x20);
        assertThat(batch.pixels()[48 + 32]).isEqualTo(0x30);
    }
}
