package io.dialnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated folder of 20,100 small JPEGs: more than the 14,266 images at 224x224 whose pixels
 * overflowed the old reader's single byte array, indexed and loaded for a whole epoch with the
 * live heap staying at a few batches.
 */
@Tag("slow")
class LargeFolderTest {
    static final int CLASSES = 10;
    static final int PER_CLASS = 2010;
    static final long MB = 1 << 20;

    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        byte[][] variants = new byte[CLASSES * 4][];
        for (int v = 0; v < variants.length; v++) {
            variants[v] = FolderLoadingTest.jpeg(32 + v % 4 * 8, 32, v / 4 * 0x181008, v);
        }
        for (int c = 0; c < CLASSES; c++) {
            Path d = Files.createDirectories(dir.resolve("n" + c));
            for (int i = 0; i < PER_CLASS; i++) {
                Files.write(d.resolve(String.format("img%05d.jpg", i)), variants[c * 4 + i % 4]);
            }
        }
    }

    /** Heap in use right after a full collection (what the collector found alive, not what was allocated since). */
    static long liveHeap() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }

    @Test
    void moreImagesThanFitOneArrayAt224AreIndexedNotDecoded() {
        long before = liveHeap();
        // The old reader decoded all 20,100 images here into 20,100 * 150,528 bytes: past 2^31, an int overflow.
        DataSource.Loaded loaded = DataSource.parse("folder:" + dir, 224).load();
        assertThat(loaded.train().size()).isEqualTo(CLASSES * PER_CLASS);
        assertThat(loaded.train().height()).isEqualTo(224);
        assertThat(liveHeap() - before).isLessThan(32 * MB);
    }

    @Test
    void oneEpochOfTwentyThousandImagesHoldsOnlyTheBatchesInFlight() {
        long before = liveHeap();
        List<String> log = new ArrayList<>();
        DataSource.Loaded loaded = DataSource.parse("folder:" + dir, 64).load(new FolderOptions(2, false, 0, log::add));
        DataRecipe.Prepared prepared = DataRecipe.builder()
                .setSource("folder:" + dir)
                .optImageSize(64)
                .optValidationSize(100)
                .optSplitSeed(1)
                .optAugmentation(Augmentation.standardFor(DataSource.Format.FOLDER))
                .build()
                .prepare(loaded);
        BatchLoader loader = prepared.trainLoader();
        assertThat(loader.data().size()).isEqualTo(20_000);
        long peak = 0;
        int images = 0;
        Set<Integer> labels = new HashSet<>();
        try (BatchLoader.Epoch epoch = loader.training(100, prepared.recipe().augmentation(), 1, 1)) {
            for (int b = 0; epoch.hasNext(); b++) {
                Batch batch = epoch.next();
                images += batch.size();
                for (int label : batch.labels()) {
                    labels.add(label);
                }
                assertThat(batch.pixels()).hasSize(100 * 3 * 64 * 64);
                if (b % 25 == 0) {
                    peak = Math.max(peak, liveHeap() - before);
                }
            }
        }
        assertThat(images).isEqualTo(20_000);
        assertThat(labels).hasSize(CLASSES);
        // All decoded crops would take 20,000 * 3 * 64 * 64 bytes = 234 MB (floats: 938 MB); at most
        // 2 decoding + 4 prefetched + 1 consumed batches of 4.7 MB (floats) are alive at once.
        assertThat(peak).isLessThan(64 * MB);
    }
}
