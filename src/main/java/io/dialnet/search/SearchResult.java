package io.dialnet.search;

import io.dialnet.train.Compute;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainResult;
import java.util.List;

/**
 * What a search delivers.
 *
 * @param subnets the delivered subnets after final training and the last filter, largest first
 * @param accepted every subnet the search accepted, in order
 * @param finalTraining the final joint training run, or {@code null} when it was skipped
 * @param compute what every phase of the search spent (the background's training included, unless
 *     it was loaded)
 */
public record SearchResult(
        List<SubnetResult> subnets, List<AcceptedSubnet> accepted, TrainResult finalTraining, Compute compute) {}
