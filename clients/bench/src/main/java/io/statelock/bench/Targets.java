package io.statelock.bench;

import java.util.Map;

/** The targets of the second performance round (issue 18), each decided from the figures of one run. */
final class Targets {
    interface Finder {
        Result find(String scenario, String system, String store, int concurrency);
    }

    private Targets() {}

    static void add(
            Report report,
            Finder f,
            double storeLatencyMs,
            Map<String, double[]> memory,
            Map<String, double[]> keepAliveFailures) {
        // 1. What a user pays per lock cycle in CPU.
        for (String[] t : new String[][] {{"embedded", "300"}, {"dynamodb", "450"}}) {
            Result u = f.find("uncontended", "statelock", t[0], 16);
            report.target(Target.atMost(
                    "service CPU per lock+unlock cycle ≤ " + t[1] + " µs, 16 clients, " + t[0],
                    "service CPU µs per cycle",
                    u == null ? Double.NaN : u.serviceCpuUsPerOp(),
                    Double.parseDouble(t[1])));
        }
        // 2. Close to the store's own latency, behind the latency proxy (service and floor alike).
        String wan = SystemUnderTest.latencyStore(storeLatencyMs);
        for (int c : new int[] {1, 16}) {
            Result svc = f.find("uncontended", "statelock", wan, c);
            Result floor = f.find("uncontended", "floor", wan, c);
            report.target(Target.atMost(
                    "p50 ≤ floor p50 + 1.0 ms, " + c + " clients, " + wan,
                    "statelock p50 − floor p50, ms",
                    svc == null || floor == null ? Double.NaN : svc.p50Ms() - floor.p50Ms(),
                    1.0));
        }
        Result svc16 = f.find("uncontended", "statelock", wan, 16);
        Result floor16 = f.find("uncontended", "floor", wan, 16);
        report.target(Target.atLeast(
                "throughput ≥ 0.9× the floor's, 16 clients, " + wan,
                "statelock cycles/s ÷ floor cycles/s" + cpuNote(svc16, floor16),
                ratio(svc16, floor16, true),
                0.9));
        // 3. Uncontended against etcd.
        for (int c : new int[] {16, 64}) {
            Result emb = f.find("uncontended", "statelock", "embedded", c);
            Result etcd = f.find("uncontended", "etcd", "etcd (fsync)", c);
            report.target(Target.atLeast(
                    "uncontended throughput ≥ etcd's, " + c + " clients, embedded",
                    "statelock cycles/s ÷ etcd cycles/s" + cpuNote(emb, etcd),
                    ratio(emb, etcd, true),
                    1.0));
        }
        // 5. Hand-off against etcd.
        Result emb8 = f.find("hand-off", "statelock", "embedded", 8);
        Result etcd8 = f.find("hand-off", "etcd", "etcd (fsync)", 8);
        report.target(Target.atMost(
                "hand-off p99 ≤ 10 ms, 8 waiters, embedded", "p99 ms", emb8 == null ? Double.NaN : emb8.p99Ms(), 10));
        report.target(Target.atLeast(
                "hand-offs/s ≥ 5× etcd's, 8 waiters, embedded",
                "statelock hand-offs/s ÷ etcd hand-offs/s" + cpuNote(emb8, etcd8),
                ratio(emb8, etcd8, true),
                5));
        for (String store : new String[] {"embedded", "dynamodb"}) {
            perStore(report, f, store, memory, keepAliveFailures);
        }
    }

    private static void perStore(
            Report report,
            Finder f,
            String store,
            Map<String, double[]> memory,
            Map<String, double[]> keepAliveFailures) {
        Result u = f.find("uncontended", "statelock", store, 16);
        report.target(Target.exactly(
                "1 store write per uncontended acquire and release, " + store,
                "store writes per call (from /q/metrics)",
                Result.noteFigure(u, "store writes per acquire/release"),
                1));
        Result k = f.find("keep-alive", "statelock", store, 1000);
        if (k == null) k = f.find("keep-alive", "statelock", store, 100_000); // a run of 100k leases only
        report.target(Target.exactly(
                "1 store write per heartbeat, " + store,
                "store writes per renewal",
                Result.noteFigure(k, "store writes per renewal"),
                1));
        for (int w : new int[] {1, 8, 64}) {
            Result h = f.find("hand-off", "statelock", store, w);
            report.target(Target.exactly(
                    "one store write per transition (release, grant), " + w + " waiters, " + store,
                    "store calls per hand-off",
                    Result.noteFigure(h, "store calls per hand-off"),
                    2));
            report.target(Target.atLeast(
                    "grants in arrival order, " + w + " waiters, " + store,
                    "% in order",
                    Result.noteFigure(h, "in arrival order"),
                    100));
        }
        Result waiting = f.find("waiting", "statelock", store, 1000);
        report.target(Target.atMost(
                "store calls ≤ 1 per key per poll interval, 1,000 waiting on 100 keys, " + store,
                "calls per key per second (interval 1 s ± 20 % jitter, so up to 1.25)",
                Result.noteFigure(waiting, "store calls per key per 1 s poll interval"),
                1.25));
        double[] k100 = keepAliveFailures.get(store + "/100000");
        report.target(Target.atMost(
                "100k leases renewed over KeepAlive at ttl/3 without failures, " + store,
                k100 == null
                        ? "renewal failures (100k not run)"
                        : String.format(
                                java.util.Locale.ROOT, "renewal failures (service CPU %.0f%% of a core)", k100[2]),
                k100 == null ? Double.NaN : k100[0],
                0));
        double[] m = memory.get(store + "/100000");
        report.target(Target.atMost(
                "RSS ≤ 512 MiB with 100k held leases, " + store,
                m == null
                        ? "RSS MiB (100k leases not run)"
                        : String.format(java.util.Locale.ROOT, "RSS MiB with %.0f leases, %.0f waiters", m[1], m[2]),
                m == null ? Double.NaN : m[0],
                512));
    }

    /**
     * CPU per operation of both sides, by process: on a machine whose cores the store, the service and the
     * load generator share, throughput follows the CPU all of them spend per operation.
     */
    private static String cpuNote(Result svc, Result other) {
        if (svc == null) return "";
        String note = " (CPU µs per op: " + svc.system() + " " + cpu(svc);
        return note + (other == null ? "" : "; " + other.system() + " " + cpu(other)) + ")";
    }

    private static String cpu(Result r) {
        StringBuilder b = new StringBuilder();
        if (!Double.isNaN(r.serviceCpuUsPerOp())) b.append("service ").append(Report.num(r.serviceCpuUsPerOp(), 0));
        if (!Double.isNaN(r.storeCpuUsPerOp()))
            b.append(b.length() > 0 ? " + " : "").append("store ").append(Report.num(r.storeCpuUsPerOp(), 0));
        if (!Double.isNaN(r.loadCpuUsPerOp()))
            b.append(b.length() > 0 ? " + " : "").append("load-gen ").append(Report.num(r.loadCpuUsPerOp(), 0));
        double all = 0;
        for (double v : new double[] {r.serviceCpuUsPerOp(), r.storeCpuUsPerOp(), r.loadCpuUsPerOp()}) {
            if (!Double.isNaN(v)) all += v;
        }
        return b.append(" = ").append(Report.num(all, 0)).toString();
    }

    /** a/b of throughput (true) or p50 (false); NaN when either is missing. */
    static double ratio(Result a, Result b, boolean throughput) {
        if (a == null || b == null) return Double.NaN;
        double x = throughput ? a.throughput() : a.p50Ms();
        double y = throughput ? b.throughput() : b.p50Ms();
        return y == 0 ? Double.NaN : x / y;
    }
}
