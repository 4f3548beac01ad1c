package io.dialnet.runtime;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * How much of this machine's CPU other processes use. A latency measured beside another busy
 * process is not this machine's latency (on the 2-core development machines a training beside an
 * export doubled one subnet's batch-64 time against the same architecture measured in another
 * file), and a dial check on it can drop a subnet that is faster.
 */
public final class CpuContention {
    /** Above this share of all cores used by other processes, a latency measurement is not trusted. */
    public static final double BUSY = 0.2;

    /** How long the machine is watched before a measurement. */
    static final Duration WINDOW = Duration.ofMillis(250);

    private CpuContention() {}

    /** The share of all cores that other processes use now, watched for {@link #WINDOW}. */
    public static double othersShare() {
        return othersShare(WINDOW);
    }

    /**
     * The share of all cores (0 to 1) that other processes used over {@code window}: the whole
     * machine's load less this process's; NaN where the JVM cannot tell.
     */
    public static double othersShare(Duration window) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
            return Double.NaN;
        }
        // each call reports the load since the previous one: the first two open the window
        os.getCpuLoad();
        os.getProcessCpuLoad();
        try {
            Thread.sleep(window.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
        double machine = os.getCpuLoad();
        double own = os.getProcessCpuLoad();
        return machine < 0 || own < 0 ? Double.NaN : Math.max(0, machine - own);
    }

    /** What a measurement taken at {@code share} of the cores busy elsewhere means, for a warning. */
    public static String warning(double share) {
        return String.format(
                Locale.ROOT,
                "other processes used %.0f%% of the CPUs while latency was measured: those figures, and what was "
                        + "decided on them, are not this machine's; measure again with nothing else running",
                100 * share);
    }
}
