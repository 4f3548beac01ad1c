package io.dialnet.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * ImageNet-style folders, as torchvision's {@code ImageFolder}: one sub-folder per class (sorted by
 * name, label 0 first), each holding JPEG or PNG files at any depth. Reading only indexes the
 * files (names and labels, with progress on large folders); the {@link BatchLoader} decodes them
 * batch by batch with {@link Crops}' recipe.
 */
public final class ImageFolderReader {
    /** Progress lines while indexing come at most this often. */
    private static final long PROGRESS_NANOS = 2_000_000_000L;

    private ImageFolderReader() {}

    /** The index of {@code root} with the default options (strict, silent). */
    public static ImageFolder read(Path root, int size) {
        return read(root, size, new ImageDecoder(FolderOptions.DEFAULT));
    }

    /** The index of {@code root}, whose images {@code decoder} will decode; progress goes to its log. */
    public static ImageFolder read(Path root, int size, ImageDecoder decoder) {
        List<Path> classDirs = classDirs(root);
        Progress progress =
                new Progress(root, classDirs.size(), decoder.options().log());
        List<String> names = new ArrayList<>();
        List<String> files = new ArrayList<>();
        int[] labels = new int[16];
        for (int label = 0; label < classDirs.size(); label++) {
            Path dir = classDirs.get(label);
            names.add(dir.getFileName().toString());
            List<String> inClass = imagesIn(root, dir);
            if (files.size() + inClass.size() > labels.length) {
                labels = Arrays.copyOf(labels, Math.max(2 * labels.length, files.size() + inClass.size()));
            }
            Arrays.fill(labels, files.size(), files.size() + inClass.size(), label);
            files.addAll(inClass);
            progress.indexed(files.size(), label + 1);
        }
        if (files.isEmpty()) {
            throw new DataFormatException(root, "no .jpg, .jpeg or .png files in its class folders");
        }
        progress.done(files.size());
        return new ImageFolder(
                root, files.toArray(String[]::new), Arrays.copyOf(labels, files.size()), size, names, decoder);
    }

    /** The class folders of {@code root}, sorted by name (label 0 first); at least two. */
    private static List<Path> classDirs(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root, "no such directory");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory)
                    .filter(p -> !hidden(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataFormatException(root, "cannot be listed: " + e.getMessage());
        }
        if (classDirs.size() < 2) {
            throw new DataFormatException(
                    root, "needs one sub-folder per class (at least 2), found " + classDirs.size());
        }
        return classDirs;
    }

    /** The images at any depth of class folder {@code dir}, as sorted paths relative to {@code root}. */
    private static List<String> imagesIn(Path root, Path dir) {
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(ImageFolderReader::isImage)
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DataFormatException(dir, "cannot be listed: " + e.getMessage());
        }
    }

    /** Progress lines while a large folder is indexed: at most one per {@link #PROGRESS_NANOS}, then a total. */
    private static final class Progress {
        private final Path root;
        private final int classes;
        private final Consumer<String> log;
        private final long start = System.nanoTime();
        private long lastReport = start;
        private boolean reported;

        Progress(Path root, int classes, Consumer<String> log) {
            this.root = root;
            this.classes = classes;
            this.log = log;
        }

        void indexed(int images, int classesDone) {
            long now = System.nanoTime();
            if (now - lastReport >= PROGRESS_NANOS) {
                log.accept(String.format(
                        Locale.ROOT,
                        "indexing %s: %,d images in %d of %d classes",
                        root,
                        images,
                        classesDone,
                        classes));
                lastReport = now;
                reported = true;
            }
        }

        /** The total, only when progress was reported (a small folder indexes silently). */
        void done(int images) {
            if (reported) {
                log.accept(String.format(
                        Locale.ROOT,
                        "indexed %s: %,d images in %d classes (%.1f s)",
                        root,
                        images,
                        classes,
                        (System.nanoTime() - start) / 1e9));
            }
        }
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !hidden(p)
                && (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png"))
                && Files.isRegularFile(p);
    }
}
