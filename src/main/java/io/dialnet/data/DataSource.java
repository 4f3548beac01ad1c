package io.dialnet.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where a data set lives and in which layout, as written on the command line:
 * {@code cifar10:DIR}, {@code idx:DIR} (MNIST or Fashion-MNIST file names, gzipped or not) or
 * {@code folder:DIR} (class sub-folders; {@code DIR/train} and {@code DIR/test} when present);
 * {@code idx:demo} is the Fashion-MNIST subset shipped inside Dialnet.
 *
 * @param format the layout
 * @param path the directory
 * @param imageSize pixels per side for folder images (ignored by the fixed-size formats)
 */
public record DataSource(Format format, Path path, int imageSize) {

    public enum Format {
        CIFAR10,
        IDX,
        FOLDER
    }

    /** A training set and, when the directory has one, its test set (else {@code null}). */
    public record Loaded(ImageSet train, ImageSet test) {}

    public static DataSource parse(String text, int imageSize) {
        int colon = text.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException(
                    "data '" + text + "' must be FORMAT:DIR with FORMAT one of cifar10, idx, folder");
        }
        String name = text.substring(0, colon).toLowerCase(Locale.ROOT).replace("-", "");
        Format format = switch (name) {
            case "cifar10", "cifar" -> Format.CIFAR10;
            case "idx", "mnist", "fashionmnist" -> Format.IDX;
            case "folder", "imagefolder" -> Format.FOLDER;
            default ->
                throw new IllegalArgumentException(
                        "unknown data format '" + text.substring(0, colon) + "'; choose one of cifar10, idx, folder");
        };
        return new DataSource(format, Path.of(text.substring(colon + 1)), imageSize);
    }

    /** The data, image folders read with {@link FolderOptions#DEFAULT}. */
    public Loaded load() {
        return load(FolderOptions.DEFAULT);
    }

    /**
     * The data; image folders are only indexed here, and their images decoded by the loader with
     * {@code folderOptions} (the training and test folders share one decoder).
     */
    public Loaded load(FolderOptions folderOptions) {
        if (path.toString().equals("demo")) {
            return DemoData.load();
        }
        if (!Files.isDirectory(path)) {
            throw new DataFormatException(path, "no such directory");
        }
        return switch (format) {
            case CIFAR10 -> new Loaded(CifarReader.readTrain(path), CifarReader.readTestIfPresent(path));
            case IDX ->
                new Loaded(
                        idx(path, "train"),
                        Files.exists(idxFile(path, "t10k-images-idx3-ubyte")) ? idx(path, "t10k") : null);
            case FOLDER -> folders(new ImageDecoder(folderOptions));
        };
    }

    private Loaded folders(ImageDecoder decoder) {
        if (!Files.isDirectory(path.resolve("train"))) {
            return new Loaded(ImageFolderReader.read(path, imageSize, decoder), null);
        }
        ImageFolder train = ImageFolderReader.read(path.resolve("train"), imageSize, decoder);
        ImageFolder test = Files.isDirectory(path.resolve("test"))
                ? ImageFolderReader.read(path.resolve("test"), imageSize, decoder)
                : null;
        if (test != null && !test.classNames().equals(train.classNames())) {
            throw new DataFormatException(
                    path.resolve("test"), "has classes " + test.classNames() + " but train has " + train.classNames());
        }
        return new Loaded(train, test);
    }

    private static ImageDataset idx(Path dir, String prefix) {
        List<String> names = dir.toString().toLowerCase(Locale.ROOT).contains("fashion") ? FASHION : null;
        return IdxReader.read(
                idxFile(dir, prefix + "-images-idx3-ubyte"), idxFile(dir, prefix + "-labels-idx1-ubyte"), names);
    }

    /** The gzipped file when present, else the plain one (so the error names the plain name). */
    private static Path idxFile(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        return Files.exists(gz) ? gz : dir.resolve(name);
    }

    static final List<String> FASHION = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    @Override
    public String toString() {
        return format.name().toLowerCase(Locale.ROOT) + ":" + path;
    }
}
