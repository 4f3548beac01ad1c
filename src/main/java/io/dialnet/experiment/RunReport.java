package io.dialnet.experiment;

import io.dialnet.data.DataRecipe;
import io.dialnet.nn.ModelSpec;
import io.dialnet.train.SubnetResult;
import io.dialnet.train.TrainResult;
import java.util.List;

/**
 * What {@code results.json} holds: the subnets first (what most readers want), then how they were
 * produced: model, data preparation and the full training result with its provenance.
 */
record RunReport(List<SubnetResult> subnets, ModelSpec model, DataRecipe data, TrainResult training) {

    static RunReport of(ModelSpec model, DataRecipe data, TrainResult training) {
        return new RunReport(training.subnets(), model, data, training);
    }
}
