package io.dialnet.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The Fashion-MNIST subset shipped inside Dialnet (10,000 training and 2,000 test images), so the
 * demo and the tests need no download. See {@code io/dialnet/demo/README.md} on the class path.
 */
public final class DemoData {
    private static final String DIR = "/io/dialnet/demo/";
    public static final String SOURCE = "idx:demo";

    private DemoData() {}

    public static DataSource.Loaded load() {
        return new DataSource.Loaded(read("train"), read("t10k"));
    }

    private static ImageDataset read(String prefix) {
        String images = prefix + "-images-idx3-ubyte.gz";
        String labels = prefix + "-labels-idx1-ubyte.gz";
        return IdxReader.read(
                resource(images),
                Path.of("classpath:" + DIR + images),
                resource(labels),
                Path.of("classpath:" + DIR + labels),
                DataSource.FASHION);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoData.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new DataFormatException("demo data " + DIR + name + " is missing from the class path; "
                        + "rebuild Dialnet from a complete checkout");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataFormatException("demo data " + DIR + name + " cannot be read: " + e.getMessage());
        }
    }
}
