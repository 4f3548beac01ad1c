package io.dialnet.search;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.dialnet.Ids;
import io.dialnet.data.DataRecipe;
import io.dialnet.nn.SlimmableNetwork;
import io.dialnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The subnet searches, by name: the one place that knows which class runs which method, used by
 * {@code search} and by the comparison's search arms (docs/ARCHITECTURE.md, "Methods"). Written to
 * search states, logs and results as its lower-case {@link #id()}.
 */
public enum SearchMethod {
    /** The progressive subnetwork search (Yang, He, Cao, Fan, TNNLS 2022). */
    PROGRESSIVE("progressive", true) {
        @Override
        public SearchResult run(Job job, boolean resume) {
            return new ProgressiveSearch(
                            job.network(), job.config(), job.data(), job.out(), job.listener(), job.latency())
                    .run(resume);
        }
    },
    /** Multi-path non-uniform subnet generation (Yang et al., DAC 2020). */
    MULTIPATH("multipath", true) {
        @Override
        public SearchResult run(Job job, boolean resume) {
            return new MultiPathSearch(
                            job.network(),
                            job.config(),
                            job.data(),
                            job.out(),
                            job.listener(),
                            job.lasso(),
                            job.epochsPerSubnet())
                    .run(resume);
        }
    },
    /** Single-path: plans frozen at chosen epochs of one training run (Yang et al., ASP-DAC 2021). */
    SINGLEPATH("singlepath", false) {
        @Override
        public SearchResult run(Job job, boolean resume) {
            return new SinglePathSearch(job.network(), job.config(), job.data(), job.out(), job.listener(), job.lasso())
                    .run(resume);
        }
    };

    /**
     * What one search works on.
     *
     * @param network the network to search in (its weights are trained and permuted)
     * @param config targets, recipe and the steps' settings
     * @param data the prepared data; subnets are chosen on its validation split
     * @param out the search's output directory
     * @param listener progress of its training phases, or {@code null}
     * @param lasso multipath, singlepath: weight of the group-lasso penalty
     * @param epochsPerSubnet multipath: epochs of sparsity training before each cut
     * @param latency progressive with latency targets: the measured cost model, else {@code null}
     */
    public record Job(
            SlimmableNetwork network,
            SearchConfig config,
            DataRecipe.Prepared data,
            Path out,
            TrainingListener listener,
            double lasso,
            int epochsPerSubnet,
            CostModel latency) {}

    private final String id;
    private final boolean startsFromBackground;

    SearchMethod(String id, boolean startsFromBackground) {
        this.id = id;
        this.startsFromBackground = startsFromBackground;
    }

    /** Runs the search, continuing a previous run in {@code job.out()} when {@code resume}. */
    public abstract SearchResult run(Job job, boolean resume);

    /** The name on the command line and in files. */
    @JsonValue
    public String id() {
        return id;
    }

    /**
     * Whether the search starts from a trained full-width model (its background); single-path
     * trains from scratch in one run.
     */
    public boolean startsFromBackground() {
        return startsFromBackground;
    }

    /** The search named {@code name} (any case), or an error naming {@code --method} and the known ones. */
    @JsonCreator
    public static SearchMethod named(String name) {
        return Ids.lookup(
                values(),
                SearchMethod::id,
                name == null ? null : name.toLowerCase(Locale.ROOT),
                () -> "--method " + name + ": not a search method");
    }

    /** The known names, comma-separated. */
    public static String known() {
        return Ids.known(values(), SearchMethod::id);
    }

    @Override
    public String toString() {
        return id;
    }
}
