package io.dialnet.train;

import java.util.List;

/**
 * One delivered subnet and how good and how big it is.
 *
 * @param name e.g. {@code w0.50}
 * @param channels channels per coupling set
 * @param macs multiply-accumulates per image
 * @param params weights used
 * @param validationAccuracy top-1 accuracy on the validation split, in [0, 1]
 * @param testAccuracy top-1 accuracy on the test set, or {@code null} when there is none
 */
public record SubnetResult(
        String name, List<Integer> channels, long macs, long params, double validationAccuracy, Double testAccuracy) {}
