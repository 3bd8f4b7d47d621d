package io.statelock.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latencies of one measured run (nanoseconds, HdrHistogram with 3 significant digits), safe to record from many threads. */
final class Latency {
    private final Histogram histogram = new ConcurrentHistogram(3);

    void record(long nanos) {
        histogram.recordValue(Math.max(0, nanos));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** Milliseconds at the percentile (0-100); NaN with no samples. */
    double percentileMs(double percentile) {
        if (histogram.getTotalCount() == 0) return Double.NaN;
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMs() {
        return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1e6;
    }
}
