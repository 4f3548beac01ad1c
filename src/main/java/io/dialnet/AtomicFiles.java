package io.dialnet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes a file under its final name only once it is complete: content goes to a temporary file
 * in the same directory, is forced to disk, and is then renamed over the target (and the
 * directory forced, so the rename itself survives a power cut). A crash leaves the old file (or
 * none), never half of a new one. A failed write removes its temporary file; one left behind by a
 * killed process is removed by the next write of the same target once it is {@link #STALE} old.
 */
public final class AtomicFiles {
    /** Age after which a leftover temporary file of a target is taken to belong to a dead writer. */
    public static final Duration STALE = Duration.ofMinutes(10);

    private AtomicFiles() {}

    /** Writes what {@code content} produces to {@code target}, atomically. */
    public static void write(Path target, Content content) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            removeStale(dir, target.getFileName().toString());
            tmp = Files.createTempFile(dir, tempPrefix(target.getFileName().toString()), ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16) {
                    @Override
                    public void close() throws IOException {
                        flush(); // content may close its stream (a zip does); the channel stays open to be forced
                    }
                };
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                // Temporary files are created owner-only; the result is an ordinary readable file.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the platform's default
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is hidden and harmless; the error that matters was thrown above
                }
            }
        }
    }

    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    static String tempPrefix(String name) {
        return "." + name + ".";
    }

    /** Deletes temporary files of {@code name} older than {@link #STALE}: what killed writers left. */
    private static void removeStale(Path dir, String name) throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE));
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, glob("." + name) + "*.tmp")) {
            for (Path p : leftovers) {
                try {
                    if (Files.isRegularFile(p) && Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // another process may have removed it; nothing to clean
                }
            }
        }
    }

    private static String glob(String literal) {
        return literal.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    /** Makes a rename in {@code dir} durable; a no-op where directories cannot be opened (not Linux). */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can sync a directory; the file itself is on disk already
        }
    }

    /** Produces a file's bytes. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }
}
