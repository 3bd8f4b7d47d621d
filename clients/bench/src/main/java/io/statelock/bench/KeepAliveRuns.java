package io.statelock.bench;

import io.statelock.proto.v1.AcquireResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keep-alive scenario (N leases renewed at ttl/3) on statelock and on etcd, and the memory
 * scenario (service RSS with the leases held and waiting clients queued) after the last N.
 */
final class KeepAliveRuns {
    private final Options o;
    private final Report report;
    private final String run;
    private final CapacityLedger capacity;
    /** By store: RSS MiB, leases, waiters of the memory scenario. */
    final Map<String, double[]> memoryRss = new LinkedHashMap<>();
    /** By store: renewal failures, leases, of the largest keep-alive run. */
    final Map<String, double[]> keepAliveFailures = new LinkedHashMap<>();

    KeepAliveRuns(Options o, Report report, String run, CapacityLedger capacity) {
        this.o = o;
        this.report = report;
        this.run = run;
        this.capacity = capacity;
    }

    /**
     * Leases of ttl 30 s up to 10k (the etcd comparison's); beyond, 300 s: 100k leases renewed at ttl/3 are 1,000
     * renewals a second, as many as 10k at 30 s, and the run covers a whole period so that every lease is renewed.
     */
    static long ttlSecondsFor(int leases) {
        return leases > 10_000 ? 300 : 30;
    }

    void statelock(SystemUnderTest s, int n, boolean memory) throws Exception {
        long ttl = ttlSecondsFor(n);
        Machine.log(s.store + ": " + n + " leases (ttl " + ttl + " s) over KeepAlive");
        Heartbeats hb = new Heartbeats(s.clients, ttl);
        hb.acquire(n, "bench/" + run + "/hb-" + s.tag() + "-" + n);
        Machine.log(s.store + ": " + n + " leases acquired in " + Math.round(hb.acquireSeconds) + " s");
        int streams = Math.max(1, Math.min(64, n / 100));
        ServiceMetrics m0 = ServiceMetrics.scrape(s.address);
        Cpu.Snapshot c0 = s.cpu.get();
        double seconds = hb.renew(streams, Math.max(o.renewSeconds(), hb.periodNanos / 1e9 + 2));
        Cpu.Snapshot c1 = s.cpu.get();
        ServiceMetrics m1 = ServiceMetrics.scrape(s.address);
        double writesPerRenewal = (m1.sum(ServiceMetrics.CALLS, "operation=\"heartbeat\"")
                        - m0.sum(ServiceMetrics.CALLS, "operation=\"heartbeat\""))
                / hb.renewals.get();
        Cpu.Delta d = c1.since(c0);
        double rssHeld = Cpu.rssMiB(s.servicePid);
        CapacityUnits before = CapacityUnits.parse(m0.text());
        CapacityUnits after = CapacityUnits.parse(m1.text());
        String cell = "";
        if (after.any() && before.scraped()) {
            CapacityUnits.PerOp heartbeat = after.minus(before).perOp(CapacityLedger.HEARTBEAT, hb.renewals.get());
            capacity.add(heartbeat);
            cell = heartbeat.cell();
        }
        report.add(Result.of(
                        "keep-alive",
                        "statelock",
                        s.store,
                        n,
                        hb.latency,
                        seconds,
                        d,
                        String.format(
                                Locale.ROOT,
                                "ttl %d s; %d streams; renewal failures %d; store writes per renewal %.3f; service CPU "
                                        + "%.0f%% of a core; %d acquires took %.1f s; RSS %.0f MiB",
                                ttl,
                                streams,
                                hb.failures.get(),
                                writesPerRenewal,
                                d.serviceUs() / 1e4 / seconds,
                                n,
                                hb.acquireSeconds,
                                rssHeld))
                .withCapacity(cell));
        if (memory) memory(s, n, hb);
        keepAliveFailures.put(s.store + "/" + n, new double[] {hb.failures.get(), n, d.serviceUs() / 1e4 / seconds});
        hb.releaseAll();
    }

    private void memory(SystemUnderTest s, int n, Heartbeats hb) throws Exception {
        int waiters = o.memoryWaiters();
        Machine.log(s.store + ": memory with " + n + " leases and " + waiters + " waiters");
        try (StatelockClients waiting = new StatelockClients(s.address, 4)) {
            for (int i = 0; i < waiters; i++) {
                AcquireResponse held = hb.leases.get(i % hb.leases.size());
                waiting.async(i)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .acquire(
                                StatelockClients.acquire(held.getKey(), "bench-mw" + i, 15),
                                StatelockClients.ignoring());
            }
            ServiceMetrics.awaitWaiters(s.address, waiters);
            double rss = Cpu.rssMiB(s.servicePid);
            report.add(new Result(
                    "memory",
                    "statelock",
                    s.store,
                    n,
                    0,
                    0,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    String.format(
                            Locale.ROOT,
                            "RSS %.0f MiB with %d held leases and %d waiting clients (idle at start %.0f MiB)",
                            rss,
                            n,
                            waiters,
                            s.idleRss)));
            memoryRss.put(s.store + "/" + n, new double[] {rss, n, waiters});
        }
    }

    /** etcd's keep-alive: keepAliveOnce per lease at ttl/3, paced like statelock's streams. */
    void etcd(SystemUnderTest s, int n) throws Exception {
        Etcd etcd = s.etcd;
        Machine.log("etcd: " + n + " leases kept alive");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Long>> grants = new ArrayList<>();
        for (int i = 0; i < n; i++) grants.add(pool.submit(() -> etcd.grant(30)));
        List<Long> leases = new ArrayList<>();
        for (Future<Long> f : grants) leases.add(f.get());
        pool.shutdown();
        int streams = Math.max(1, Math.min(64, n / 100));
        Latency latency = new Latency();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime() + 100_000_000L;
        long end = start + (long) (o.renewSeconds() * 1e9);
        Cpu.Snapshot c0 = s.cpu.get();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < streams; t++) {
            List<Long> mine = new ArrayList<>();
            for (int i = t; i < leases.size(); i += streams) mine.add(leases.get(i));
            int stream = t;
            Thread thread = new Thread(() -> renewPaced(etcd, mine, stream, streams, start, end, latency, failures));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) t.join();
        Cpu.Delta d = s.cpu.get().since(c0);
        double seconds = (end - start) / 1e9;
        report.add(Result.of(
                "keep-alive",
                "etcd",
                "etcd (fsync)",
                n,
                latency,
                seconds,
                d,
                String.format(
                        Locale.ROOT,
                        "keepAliveOnce at ttl/3 from %d threads; failures %d; etcd CPU %.0f%% of a core",
                        streams,
                        failures.get(),
                        d.serviceUs() / 1e4 / seconds)));
        for (Long lease : leases) {
            try {
                etcd.client.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // expires at its ttl anyway
            }
        }
    }

    private static void renewPaced(
            Etcd etcd,
            List<Long> mine,
            int stream,
            int streams,
            long start,
            long end,
            Latency latency,
            AtomicLong failures) {
        long slot = Heartbeats.PERIOD_NANOS / mine.size();
        long offset = slot * stream / streams;
        try {
            for (long round = 0; ; round++) {
                for (int i = 0; i < mine.size(); i++) {
                    long due = start + round * Heartbeats.PERIOD_NANOS + i * slot + offset;
                    if (due >= end) return;
                    Scenarios.sleepUntil(due);
                    long sent = System.nanoTime();
                    try {
                        etcd.client.getLeaseClient().keepAliveOnce(mine.get(i)).get(10, TimeUnit.SECONDS);
                        latency.record(System.nanoTime() - sent);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
