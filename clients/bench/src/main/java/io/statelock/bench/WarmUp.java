package io.statelock.bench;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs each system until the JIT compilers (the service's, and this JVM's SDK and gRPC clients) are
 * done with the hot paths, so that the measured points are not paying for compilation: rounds of
 * the uncontended scenario at 16 clients until the CPU per cycle of all processes together changes by
 * less than {@link #SETTLED} over three rounds in a row, then one round of hand-offs (8 waiters).
 */
final class WarmUp {
    /** At least {@code min}, at most {@code max} uncontended rounds per system. */
    record Rounds(int min, int max) {}

    // Long enough for a few thousand cycles even on a loaded machine; short enough that 18 rounds stay ~1.5 min.
    private static final double ROUND_SECONDS = 5;
    // Rounds whose CPU per cycle differ by less than this from the one before, twice in a row, count as settled (noise
    // on a shared machine is ~5%;
    // a DynamoDB service's JIT still takes ~10% off per round for half a minute, which 10% took for settled).
    private static final double SETTLED = 0.06;

    private WarmUp() {}

    /** Warms {@code s} up; returns a line for the report (rounds, seconds, CPU per cycle first → last). */
    static String run(SystemUnderTest s, Rounds rounds, String keyPrefix) throws Exception {
        Scenarios.Timing round = new Scenarios.Timing(0, ROUND_SECONDS);
        double first = Double.NaN;
        double previous = Double.NaN;
        double last = Double.NaN;
        boolean settledBefore = false;
        int n = 0;
        while (n < rounds.max()) {
            Latency latency = new Latency();
            Scenarios.Window w =
                    Scenarios.uncontended(s.cyclers, 16, keyPrefix + "/u" + n, round, s.cpu, latency, new AtomicLong());
            n++;
            last = allCpuPerCycle(w.cpu(), latency.count());
            if (Double.isNaN(first)) first = last;
            Machine.log(String.format(
                    Locale.ROOT,
                    "%s: warm-up round %d, %.0f cycles/s, %.0f µs CPU per cycle (all processes)",
                    s.label(),
                    n,
                    latency.count() / w.seconds(),
                    last));
            // Settled twice in a row: one flat pair of rounds happens while the JIT is still at work (a DynamoDB
            // service once stopped at 4.7 ms per cycle that way, four times its settled cost).
            boolean settledNow = !Double.isNaN(previous) && Math.abs(last - previous) <= SETTLED * previous;
            if (n >= rounds.min() && settledNow && settledBefore) break;
            settledBefore = settledNow;
            previous = last;
        }
        double seconds = n * ROUND_SECONDS;
        if (s.waiters != null) {
            Scenarios.contention(
                    s.waiters, 8, keyPrefix + "/h/terraform.tfstate", round, s.cpu, new Scenarios.Handoffs());
            seconds += ROUND_SECONDS;
        }
        return String.format(
                Locale.ROOT,
                "%s %.0f s (%d rounds of 16 clients, CPU per cycle %.0f → %.0f µs, then hand-offs)",
                s.label(),
                seconds,
                n,
                first,
                last);
    }

    /** Service + store + load generator CPU per cycle: what the JIT of any of them would inflate. */
    private static double allCpuPerCycle(Cpu.Delta d, long cycles) {
        if (cycles == 0) return Double.NaN;
        double sum = 0;
        for (double v : new double[] {d.serviceUs(), d.storeUs(), d.loadUs()}) {
            if (!Double.isNaN(v)) sum += v;
        }
        return sum / cycles;
    }
}
