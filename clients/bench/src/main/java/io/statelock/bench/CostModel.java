package io.statelock.bench;

import java.util.Locale;

/**
 * What measured capacity units cost at on-demand prices: a million lock cycles, and a month of leases kept
 * alive at a third of their ttl. Prices are dollars per million request units.
 */
record CostModel(String name, double dollarsPerMillionWrites, double dollarsPerMillionReads) {
    /** DynamoDB on-demand, Standard table class, us-east-1, as priced since November 2024. */
    static final CostModel ON_DEMAND =
            new CostModel("DynamoDB on-demand, us-east-1 (prices since Nov 2024)", 0.625, 0.125);

    static final double MONTH_SECONDS = 30 * 86_400.0;

    /** Dollars for these many write and read request units. */
    double dollars(double writeUnits, double readUnits) {
        return (writeUnits * dollarsPerMillionWrites + readUnits * dollarsPerMillionReads) / 1e6;
    }

    /** A million cycles of acquire + release plus {@code heartbeatsPerCycle} heartbeats, at the units measured for each. */
    double millionCycles(
            CapacityUnits.PerOp acquire,
            CapacityUnits.PerOp release,
            double heartbeatsPerCycle,
            CapacityUnits.PerOp heartbeat) {
        double w = acquire.write()
                + release.write()
                + (heartbeatsPerCycle == 0 ? 0 : heartbeatsPerCycle * heartbeat.write());
        double r =
                acquire.read() + release.read() + (heartbeatsPerCycle == 0 ? 0 : heartbeatsPerCycle * heartbeat.read());
        return dollars(1e6 * w, 1e6 * r);
    }

    /** Heartbeats of {@code leases} leases renewed every ttl/3 for 30 days. */
    static double heartbeatsPerMonth(int leases, double ttlSeconds) {
        return leases * MONTH_SECONDS / (ttlSeconds / 3);
    }

    /** A month (30 days) of {@code leases} leases heartbeating at ttl/3, at the units measured per heartbeat. */
    double heartbeatMonth(int leases, double ttlSeconds, CapacityUnits.PerOp heartbeat) {
        double n = heartbeatsPerMonth(leases, ttlSeconds);
        return dollars(n * heartbeat.write(), n * heartbeat.read());
    }

    String priceLine() {
        return String.format(
                Locale.ROOT,
                "price assumed: %s: $%.3f per million write request units, $%.3f per million " + "read request units",
                name,
                dollarsPerMillionWrites,
                dollarsPerMillionReads);
    }
}
