package io.statelock.bench;

import java.util.Map;

/** The targets of issue 6, each decided from the figures of one run. */
final class Targets {
    interface Finder {
        Result find(String scenario, String system, String store, int concurrency);
    }

    private Targets() {}

    static void add(Report report, Finder f, Map<String, double[]> memory, Map<String, double[]> keepAliveFailures) {
        Result svc16 = f.find("uncontended", "statelock", "dynamodb", 16);
        Result floor16 = f.find("uncontended", "floor", "dynamodb", 16);
        report.target(Target.atMost(
                "service / floor ≤ 1.15× throughput, 16 clients, DynamoDB",
                "floor cycles/s ÷ statelock cycles/s" + cpuNote(svc16, floor16),
                ratio(floor16, svc16, true),
                1.15));
        report.target(Target.atMost(
                "service / floor ≤ 1.15× p50, 16 clients, DynamoDB",
                "statelock p50 ÷ floor p50",
                ratio(svc16, floor16, false),
                1.15));

        Result emb16 = f.find("uncontended", "statelock", "embedded", 16);
        Result etcd16 = f.find("uncontended", "etcd", "etcd (fsync)", 16);
        report.target(Target.atLeast(
                "uncontended throughput ≥ etcd's, 16 clients, embedded",
                "statelock cycles/s ÷ etcd cycles/s" + cpuNote(emb16, etcd16),
                ratio(emb16, etcd16, true),
                1.0));
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
            Result u = f.find("uncontended", "statelock", store, 16);
            report.target(Target.exactly(
                    "1 store write per uncontended acquire and release, " + store,
                    "store writes per call (from /q/metrics)",
                    Result.noteFigure(u, "store writes per acquire/release"),
                    1));
            Result k = f.find("keep-alive", "statelock", store, 1000);
            report.target(Target.exactly(
                    "1 store write per heartbeat, " + store,
                    "store writes per renewal",
                    Result.noteFigure(k, "store writes per renewal"),
                    1));
            for (int w : new int[] {1, 8, 64}) {
                Result h = f.find("hand-off", "statelock", store, w);
                report.target(Target.atMost(
                        "hand-off p50 ≤ 5 ms, " + w + " waiters, " + store,
                        "p50 ms",
                        h == null ? Double.NaN : h.p50Ms(),
                        5));
                report.target(Target.atLeast(
                        "grants in arrival order, " + w + " waiters, " + store,
                        "% in order",
                        Result.noteFigure(h, "in arrival order"),
                        100));
            }
            Result waiting = f.find("waiting-64", "statelock", store, 64);
            report.target(Target.atMost(
                    "store calls ≤ 1 per poll interval while 64 wait, " + store,
                    "calls per second (interval 1 s ± 20 % jitter, so up to 1.25)",
                    Result.noteFigure(waiting, "store calls per 1 s poll interval"),
                    1.25));
            double[] m = memory.get(store);
            report.target(Target.atMost(
                    "RSS ≤ 256 MB with 10k held leases, " + store,
                    m == null
                            ? "RSS MiB (10k leases not run)"
                            : String.format(
                                    java.util.Locale.ROOT, "RSS MiB with %.0f leases, %.0f waiters", m[1], m[2]),
                    m == null || m[1] < 10_000 ? Double.NaN : m[0],
                    256));
            double[] k10 = keepAliveFailures.get(store);
            report.target(Target.atMost(
                    "10k leases renewed at ttl/3 without failures, " + store,
                    "renewal failures",
                    k10 == null || k10[1] < 10_000 ? Double.NaN : k10[0],
                    0));
        }
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
