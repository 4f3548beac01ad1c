package io.dialnet.nn;

/**
 * Layers whose output channel counts must stay equal, e.g. the residual stream of a ResNet stage.
 *
 * <p>A prunable set is cut in whole channel groups of {@code groupSize} channels; a fixed set (the
 * image channels, the class logits) always keeps all {@code channels} and is not part of a plan.
 *
 * @param index position of this set in a {@link ChannelPlan}, or -1 for a fixed set
 * @param name a readable name used in error messages and tables
 * @param channels the full-width channel count
 * @param groupSize channels per group: the unit of cutting and ranking
 */
public record CouplingSet(int index, String name, int channels, int groupSize) {

    public CouplingSet {
        if (channels < 1) {
            throw new IllegalArgumentException("coupling set " + name + ": channels must be >= 1, got " + channels);
        }
        if (index >= 0 && (groupSize < 1 || channels % groupSize != 0)) {
            throw new IllegalArgumentException("coupling set " + name + ": " + channels
                    + " channels are not a multiple of group size " + groupSize);
        }
    }

    /** A set that is never cut, such as the input image channels or the class logits. */
    public static CouplingSet fixed(String name, int channels) {
        return new CouplingSet(-1, name, channels, channels);
    }

    public boolean prunable() {
        return index >= 0;
    }

    /** Channels a subnet with {@code plan} uses here: the plan's count, or all of a fixed set. */
    public int width(ChannelPlan plan) {
        return prunable() ? plan.channels(index) : channels;
    }

    /** Number of channel groups at full width. */
    public int groups() {
        return channels / groupSize;
    }
}
