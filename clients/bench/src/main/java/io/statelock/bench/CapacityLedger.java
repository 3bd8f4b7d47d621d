package io.statelock.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The capacity units the DynamoDB scenarios measured, by operation, summed over every measured phase, and the
 * lines of the report that price them: a million lock cycles, a month of 1,000 leases heartbeating at ttl/3.
 */
final class CapacityLedger {
    static final String ACQUIRE = "acquire";
    static final String RELEASE = "release";
    static final String HEARTBEAT = "heartbeat";
    /** The audit trail's writes (its own table, batched, asynchronous), counted per acquire + release cycle. */
    static final String AUDIT = "audit";

    static final int MONTH_LEASES = 1_000;
    static final double MONTH_TTL_SECONDS = 30;

    private final Map<String, CapacityUnits.PerOp> measured = new LinkedHashMap<>();

    void add(CapacityUnits.PerOp p) {
        if (p.count() > 0) measured.merge(p.operation(), p, CapacityUnits.PerOp::plus);
    }

    /** The operation's units over every phase; null when none measured it. */
    CapacityUnits.PerOp get(String operation) {
        return measured.get(operation);
    }

    boolean isEmpty() {
        return measured.isEmpty();
    }

    /** The report's lines: the price, the units per operation, then the cost of cycles and of a month of heartbeats. */
    List<String> lines(CostModel model, boolean dynalite) {
        List<String> out = new ArrayList<>();
        if (measured.isEmpty()) return out;
        out.add(model.priceLine());
        StringBuilder units =
                new StringBuilder("units per call, from /q/metrics before and after each measured phase: ");
        for (CapacityUnits.PerOp p : measured.values()) {
            if (!p.operation().equals(AUDIT))
                units.append(p.cell()).append(" over ").append(p.count()).append(" calls; ");
        }
        CapacityUnits.PerOp audit = measured.get(AUDIT);
        if (audit != null) {
            units.append(String.format(
                    Locale.ROOT,
                    "audit trail (its own table, batched, asynchronous) W %s R %s per " + "acquire + release cycle",
                    Report.num(audit.write(), 2),
                    Report.num(audit.read(), 2)));
        }
        out.add(units.toString().replaceAll("; $", ""));
        if (dynalite) {
            out.add("dynalite reports the write units of the table only, none for index entries (on AWS the keys-only "
                    + "by-segment index changes only when a key is first created)");
        }
        CapacityUnits.PerOp acquire = measured.get(ACQUIRE);
        CapacityUnits.PerOp release = measured.get(RELEASE);
        CapacityUnits.PerOp heartbeat = measured.get(HEARTBEAT);
        if (acquire != null && release != null) {
            double dollars = model.millionCycles(acquire, release, 0, heartbeat);
            String line = String.format(
                    Locale.ROOT,
                    "a million lock cycles (acquire + release; the uncontended cycle "
                            + "makes no heartbeat): W %s R %s per cycle → $%.2f",
                    Report.num(acquire.write() + release.write(), 2),
                    Report.num(acquire.read() + release.read(), 2),
                    dollars);
            if (audit != null) {
                line += String.format(
                        Locale.ROOT,
                        "; with the audit trail's W %s per cycle $%.2f",
                        Report.num(audit.write(), 2),
                        dollars + model.dollars(1e6 * audit.write(), 1e6 * audit.read()));
            }
            out.add(line);
        }
        if (heartbeat != null) {
            out.add(String.format(
                    Locale.ROOT,
                    "a month (30 days) of %,d leases heartbeating at ttl/3, ttl %.0f s: %,.0f "
                            + "heartbeats × W %s R %s → $%.2f",
                    MONTH_LEASES,
                    MONTH_TTL_SECONDS,
                    CostModel.heartbeatsPerMonth(MONTH_LEASES, MONTH_TTL_SECONDS),
                    Report.num(heartbeat.write(), 2),
                    Report.num(heartbeat.read(), 2),
                    model.heartbeatMonth(MONTH_LEASES, MONTH_TTL_SECONDS, heartbeat)));
        }
        return out;
    }
}
