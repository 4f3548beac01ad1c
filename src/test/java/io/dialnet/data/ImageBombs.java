package io.dialnet.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Decompression bombs for tests: tiny image files whose headers claim huge dimensions. */
public final class ImageBombs {
    private ImageBombs() {}

    /**
     * An 8x8 RGB PNG written by ImageIO whose IHDR chunk is patched to claim {@code width x height}
     * pixels, its CRC recomputed, so a decoder trusts the header (the file stays a few hundred bytes;
     * its pixel data runs out after 8 rows).
     */
    public static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] png = out.toByteArray();
        // signature (8 bytes), then IHDR: length (4), type (4) at 12, width and height at 16 and 20, CRC at 29
        ByteBuffer b = ByteBuffer.wrap(png);
        if (b.getInt(8) != 13 || b.getInt(12) != 0x49484452) {
            throw new IllegalStateException("ImageIO's PNG does not start with IHDR");
        }
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        b.putInt(29, (int) crc.getValue());
        return png;
    }
}
