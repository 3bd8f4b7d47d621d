package io.statelock.bench;

import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.ReleaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the uncontended, hand-off and waiting scenarios on one system at one point and adds the
 * row to the report, with the store calls the service counted in its own metrics meanwhile.
 */
final class PointRuns {
    private final Options o;
    private final Report report;
    private final String run;
    private final CapacityLedger capacity;

    PointRuns(Options o, Report report, String run, CapacityLedger capacity) {
        this.o = o;
        this.report = report;
        this.run = run;
        this.capacity = capacity;
    }

    void uncontended(SystemUnderTest s, int c) throws Exception {
        Machine.log(s.label() + ": uncontended, " + c + " clients");
        Latency latency = new Latency();
        AtomicLong cycles = new AtomicLong();
        String prefix = (s.system.equals("floor") ? "floor/" : "bench/") + run + "/u-" + s.system + "-" + s.tag() + c;
        ServiceMetrics m0 = s.address == null ? null : ServiceMetrics.settled(s.address);
        Scenarios.Window w = Scenarios.uncontended(s.cyclers, c, prefix, o.timing(), s.cpu, latency, cycles);
        String notes;
        String cell = "";
        if (s.address != null) {
            ServiceMetrics m1 = ServiceMetrics.settled(s.address);
            notes = String.format(
                    Locale.ROOT,
                    "store writes per acquire/release %.3f, reads %.3f",
                    (m1.writes() - m0.writes()) / (2.0 * cycles.get()),
                    (m1.reads() - m0.reads()) / (2.0 * cycles.get()));
            cell = capacityCell(m0, m1, cycles.get());
        } else if (s.system.equals("floor")) {
            notes = "the same UpdateItem pair, no service";
        } else {
            notes = "jetcd Lock + Lease; service CPU is etcd's";
        }
        report.add(Result.of("uncontended", s.system, s.store, c, latency, w.seconds(), w.cpu(), notes + errors(w))
                .withCapacity(cell));
    }

    /**
     * Units per acquire and per release over every cycle of the run (warm-up included, as the scrapes are), and the
     * audit trail's per cycle; each goes into the ledger. Empty when the service counted no capacity (not DynamoDB).
     */
    private String capacityCell(ServiceMetrics m0, ServiceMetrics m1, long cycles) {
        CapacityUnits before = CapacityUnits.parse(m0.text());
        CapacityUnits after = CapacityUnits.parse(m1.text());
        if (!after.any() || !before.scraped()) return "";
        CapacityUnits delta = after.minus(before);
        CapacityUnits.PerOp acquire = delta.perOp(CapacityLedger.ACQUIRE, cycles);
        CapacityUnits.PerOp release = delta.perOp(CapacityLedger.RELEASE, cycles);
        CapacityUnits.PerOp audit = delta.perOp(CapacityLedger.AUDIT, cycles);
        capacity.add(acquire);
        capacity.add(release);
        capacity.add(audit);
        return acquire.cell() + "; " + release.cell() + "; audit W " + Report.num(audit.write(), 2) + " per cycle";
    }

    void handoff(SystemUnderTest s, int waiters) throws Exception {
        Machine.log(s.label() + ": hand-off, " + waiters + " waiters");
        Scenarios.Handoffs h = new Scenarios.Handoffs();
        ServiceMetrics m0 = s.address == null ? null : ServiceMetrics.scrape(s.address);
        Scenarios.Window w = Scenarios.contention(
                s.waiters,
                waiters,
                "bench/" + run + "/h-" + s.system + "-" + s.tag() + waiters + "/terraform.tfstate",
                o.timing(),
                s.cpu,
                h);
        String notes = String.format(Locale.ROOT, "in arrival order %.2f%%", 100 * h.inOrderShare());
        if (s.address != null) {
            ServiceMetrics m1 = ServiceMetrics.scrape(s.address);
            notes += String.format(
                    Locale.ROOT, ", store calls per hand-off %.3f", (m1.calls() - m0.calls()) / h.grants.get());
        }
        report.add(
                Result.of("hand-off", s.system, s.store, waiters, h.latency, w.seconds(), w.cpu(), notes + errors(w)));
    }

    /** While 64 clients wait on one key held by another, how many store calls does this replica make? */
    /**
     * {@code waiters} callers waiting on {@code keys} held keys (spread evenly): the store calls the service makes
     * for them while nothing is released, per key and poll interval (1 s, the default).
     */
    void waitingReads(SystemUnderTest s, int waiters, int keys) throws Exception {
        Machine.log(s.store + ": " + waiters + " waiting on " + keys + " held keys");
        String prefix = "bench/" + run + "/w-" + s.tag() + waiters + "-" + keys;
        try (StatelockClients holderClient = new StatelockClients(s.address, 1);
                StatelockClients waiting = new StatelockClients(s.address, 4)) {
            List<AcquireResponse> held = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                held.add(holderClient
                        .blocking(0)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .acquire(
                                StatelockClients.acquire(prefix + "/k" + k + "/terraform.tfstate", "bench-holder", 0)));
            }
            for (int i = 0; i < waiters; i++) {
                waiting.async(i)
                        .withDeadlineAfter(120, TimeUnit.SECONDS)
                        .acquire(
                                StatelockClients.acquire(held.get(i % keys).getKey(), "bench-w" + i, 90),
                                StatelockClients.ignoring());
            }
            ServiceMetrics.awaitWaiters(s.address, waiters);
            ServiceMetrics m0 = ServiceMetrics.scrape(s.address);
            Cpu.Snapshot c0 = s.cpu.get();
            long t0 = System.nanoTime();
            Thread.sleep((long) (o.waitWindowSeconds() * 1000));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Cpu.Snapshot c1 = s.cpu.get();
            ServiceMetrics m1 = ServiceMetrics.scrape(s.address);
            double calls = m1.calls() - m0.calls();
            double perKeyInterval = calls / seconds / keys; // poll interval 1 s (the default)
            Cpu.Delta d = c1.since(c0);
            report.add(new Result(
                    "waiting",
                    "statelock",
                    s.store,
                    waiters,
                    (long) calls,
                    seconds,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    String.format(
                            Locale.ROOT,
                            "%d waiting on %d keys; store calls per key per 1 s poll interval %.2f (reads %.0f, "
                                    + "write attempts %.0f); service CPU %.1f ms/s",
                            waiters,
                            keys,
                            perKeyInterval,
                            m1.reads() - m0.reads(),
                            m1.writes() - m0.writes(),
                            d.serviceUs() / 1000 / seconds)));
            for (AcquireResponse lease : held) {
                holderClient
                        .blocking(0)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .release(ReleaseRequest.newBuilder()
                                .setKey(lease.getKey())
                                .setLeaseId(lease.getLeaseId())
                                .build());
            }
        }
    }

    private static String errors(Scenarios.Window w) {
        return w.errors() == 0 ? "" : "; ERRORS " + w.errors();
    }
}
