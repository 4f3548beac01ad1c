package io.dialnet.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dialnet.experiment.Comparison.MethodResult;
import io.dialnet.train.Compute;
import io.dialnet.train.SubnetResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTableTest {
    static SubnetResult subnet(long macs, double validation, Double test) {
        return new SubnetResult("s" + macs, List.of(1), macs, 1, validation, test);
    }

    @Test
    void interpolatesTheReferenceOnlyInsideItsRange() {
        List<SubnetResult> curve = List.of(subnet(200, 0.70, null), subnet(100, 0.60, null));
        assertThat(ComparisonTable.interpolate(curve, 150, SubnetResult::validationAccuracy)
                        .getAsDouble())
                .isCloseTo(0.65, within(1e-12));
        assertThat(ComparisonTable.interpolate(curve, 200, SubnetResult::validationAccuracy)
                        .getAsDouble())
                .isEqualTo(0.70);
        assertThat(ComparisonTable.interpolate(curve, 99, SubnetResult::validationAccuracy))
                .isEmpty();
        assertThat(ComparisonTable.interpolate(curve, 201, SubnetResult::validationAccuracy))
                .isEmpty();
    }

    @Test
    void comparesEachMethodWithTheReferencesAtMatchedMacs() {
        MethodResult uniform =
                new MethodResult("uniform", List.of(subnet(200, 0, 0.70), subnet(100, 0, 0.60)), Compute.NONE, null);
        MethodResult progressive = new MethodResult(
                "progressive",
                List.of(subnet(250, 0, 0.80), subnet(200, 0, 0.72), subnet(150, 0, 0.70)),
                Compute.NONE,
                null);
        String table = ComparisonTable.matchedMacs(List.of(uniform, progressive), List.of("uniform", "individual"));
        assertThat(table)
                .contains("vs uniform: mean test accuracy difference")
                .doesNotContain("vs individual")
                .contains("| progressive | +3.50 points (2 of 3 subnets) |")
                .contains("| uniform | - |");
    }

    @Test
    void fallsBackToValidationAccuracyWhenATestAccuracyIsMissing() {
        MethodResult uniform =
                new MethodResult("uniform", List.of(subnet(200, 0.5, null), subnet(100, 0.4, 0.9)), Compute.NONE, null);
        MethodResult joint =
                new MethodResult("joint", List.of(subnet(100, 0.38, 0.9), subnet(50, 0.1, 0.1)), Compute.NONE, null);
        assertThat(ComparisonTable.matchedMacs(List.of(uniform, joint), List.of("uniform")))
                .contains("mean validation accuracy")
                .contains("| joint | -2.00 points (1 of 2 subnets) |");
    }
}
