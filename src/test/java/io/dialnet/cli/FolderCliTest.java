package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: training on an image folder with a truncated JPEG stops naming it, or skips and counts it. */
@Tag("engine")
class FolderCliTest {
    @TempDir
    Path dir;

    private void folderWithOneCutJpeg() throws IOException {
        Random random = new Random(3);
        for (int c = 0; c < 2; c++) {
            Path d = Files.createDirectories(dir.resolve("data").resolve("class" + c));
            for (int i = 0; i < 12; i++) {
                BufferedImage image = new BufferedImage(48, 36, BufferedImage.TYPE_3BYTE_BGR);
                for (int y = 0; y < 36; y++) {
                    for (int x = 0; x < 48; x++) {
                        image.setRGB(x, y, c * 0xA00000 + random.nextInt(0x60) * 0x10101);
                    }
                }
                ImageIO.write(image, "jpg", d.resolve("img" + i + ".jpg").toFile());
            }
        }
        Path cut = dir.resolve("data").resolve("class1").resolve("img5.jpg");
        byte[] full = Files.readAllBytes(cut);
        int sos = 2;
        while (!((full[sos] & 0xff) == 0xFF && (full[sos + 1] & 0xff) == 0xDA)) {
            sos++;
        }
        Files.write(cut, Arrays.copyOf(full, sos + (full.length - sos) / 2));
    }

    private CliTest.Run train(String... more) {
        return CliTest.run(CliTest.with(
                new String[] {
                    "train",
                    "--data",
                    "folder:" + dir.resolve("data"),
                    "--image-size",
                    "28",
                    "--model",
                    "cnn",
                    "--validation",
                    "4",
                    "--epochs",
                    "1",
                    "--batch-size",
                    "10",
                    "--threads",
                    "1",
                    "--quiet",
                    "--out",
                    dir.resolve("run").toString()
                },
                more));
    }

    @Test
    void issue13TruncatedJpegInAFolderIsABadInputNamingTheFile() throws IOException {
        folderWithOneCutJpeg();
        CliTest.Run r = train();
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("img5.jpg").contains("truncated").contains("--skip-bad-images");
    }

    @Test
    void issue13SkipBadImagesTrainsOnTheRestAndCountsTheSkipped() throws IOException {
        folderWithOneCutJpeg();
        CliTest.Run r = train("--skip-bad-images");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("img5.jpg").contains("skipped 1 unreadable images");
        // the recorded recipe skips it again when the checkpoint is evaluated
        CliTest.Run eval =
                CliTest.run("eval", "--checkpoint", dir.resolve("run").toString(), "--threads", "1");
        assertThat(eval.code()).as(eval.err()).isZero();
    }
}
