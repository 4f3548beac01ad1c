package io.dialnet.search;

import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainResult;
import java.util.List;

/**
 * What a search delivers.
 *
 * @param subnets the delivered subnets after final training and the last filter, largest first
 * @param accepted every subnet the search accepted, in order
 * @param finalTraining the final joint training run, or {@code null} when it was skipped
 * @param trainingCompute images x forward MACs spent by every training phase of the search (background
 *     included, unless it was loaded), the cost compared across methods
 */
public record SearchResult(List<SubnetResult> subnets, List<AcceptedSubnet> accepted, TrainResult finalTraining,
        double trainingCompute) {}
