package io.dialnet.nn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How many leading channels of every prunable coupling set a subnet uses.
 *
 * <p>Immutable. Channels are kept in rank order, so a plan always takes a prefix of each set: a
 * smaller plan that is {@linkplain #nestsIn nested} in a larger one uses a subset of its weights.
 * In JSON (checkpoints, search states, results) a plan is its {@link #toString()} text.
 */
public final class ChannelPlan {
    private final int[] channels;

    private ChannelPlan(int[] channels) {
        this.channels = channels;
    }

    public static ChannelPlan of(int... channels) {
        for (int c : channels) {
            if (c < 1) {
                throw new InvalidPlanException("a plan needs at least one channel per coupling set, got " + c);
            }
        }
        return new ChannelPlan(channels.clone());
    }

    public static ChannelPlan of(List<Integer> channels) {
        return of(channels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Parses the {@link #toString()} form, e.g. {@code "16,12,16"}: for input boundaries (options, JSON). */
    @JsonCreator
    public static ChannelPlan parse(String text) {
        try {
            return of(Arrays.stream(text.trim().split("\\s*,\\s*"))
                    .mapToInt(Integer::parseInt)
                    .toArray());
        } catch (NumberFormatException e) {
            throw new InvalidPlanException("a plan is a comma-separated list of channel counts, got '" + text + "'");
        }
    }

    /**
     * Reads a plan from a file: its {@link #toString()} text or a JSON list ({@code [16, 12, 16]}), spread over
     * lines or not; a missing file or a malformed plan is refused with the file's name.
     */
    public static ChannelPlan read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidPlanException(file + ": no such file");
        }
        try {
            String text = Files.readString(file).trim().replaceAll("[\\s,\\[\\]]+", ",");
            return parse(text.replaceAll("^,|,$", ""));
        } catch (InvalidPlanException e) {
            throw new InvalidPlanException(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Channels used in the coupling set at {@code index}. */
    public int channels(int index) {
        return channels[index];
    }

    public int size() {
        return channels.length;
    }

    public int[] toArray() {
        return channels.clone();
    }

    public List<Integer> toList() {
        return Arrays.stream(channels).boxed().collect(Collectors.toList());
    }

    /** True when this plan uses no more channels than {@code larger} in every set. */
    public boolean nestsIn(ChannelPlan larger) {
        if (larger.channels.length != channels.length) {
            return false;
        }
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] > larger.channels[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelPlan other && Arrays.equals(channels, other.channels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(channels);
    }

    @JsonValue
    @Override
    public String toString() {
        return Arrays.stream(channels).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
