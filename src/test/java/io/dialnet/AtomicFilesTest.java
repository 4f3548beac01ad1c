package io.dialnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: the old file or the new one, never half of one, and no temporary files left behind. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    long temporaries() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                    .count();
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesItsTemporary() throws IOException {
        Path target = dir.resolve("results.json");
        AtomicFiles.write(target, "old".getBytes());
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
                    out.write("half of the new".getBytes());
                    throw new IOException("disk full");
                }))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("results.json")
                .hasMessageContaining("disk full");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
                    throw new IllegalStateException("bug in the writer");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(temporaries()).isZero();
    }

    @Test
    void contentThatClosesItsStreamIsStillForcedAndRenamed() throws IOException {
        Path target = dir.resolve("a.zip");
        AtomicFiles.write(target, out -> {
            try (var zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("x"));
                zip.write(1);
            }
        });
        assertThat(Files.size(target)).isPositive();
        assertThat(temporaries()).isZero();
    }

    /** Issue 13: temporary files of writers killed mid-write piled up next to the checkpoint forever. */
    @Test
    void issue13_temporariesLeftByAKilledWriterAreRemovedByTheNextWrite() throws IOException {
        Path target = dir.resolve("checkpoint.zip");
        Path stale = Files.writeString(dir.resolve(".checkpoint.zip1234567.tmp"), "half");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path recent = Files.writeString(dir.resolve(".checkpoint.zip.89.tmp"), "another writer, now");
        Path other = Files.writeString(dir.resolve(".other.zip.1.tmp"), "not ours");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        AtomicFiles.write(target, "new".getBytes());
        assertThat(stale).doesNotExist();
        assertThat(recent).exists();
        assertThat(other).exists();
        assertThat(Files.readString(target)).isEqualTo("new");
    }
}
