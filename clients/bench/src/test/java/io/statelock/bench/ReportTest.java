package io.statelock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The statistics and report code of the benchmark (the benchmark itself is run by hand, not in tests). */
class ReportTest {

    @Test
    void percentilesComeFromTheHistogram() {
        Latency latency = new Latency();
        for (int i = 1; i <= 1000; i++) latency.record(i * 1_000_000L); // 1..1000 ms
        assertEquals(1000, latency.count());
        assertEquals(500, latency.percentileMs(50), 1);
        assertEquals(990, latency.percentileMs(99), 1);
        assertEquals(999, latency.percentileMs(99.9), 1);
        assertTrue(Double.isNaN(new Latency().percentileMs(50)));
    }

    @Test
    void throughputAndCpuPerOperation() {
        Latency latency = new Latency();
        for (int i = 0; i < 200; i++) latency.record(2_000_000L);
        Result r = Result.of(
                "uncontended",
                "statelock",
                "embedded",
                4,
                latency,
                2.0,
                new Cpu.Delta(100_000, Double.NaN, 50_000),
                "");
        assertEquals(100, r.throughput(), 1e-9);
        assertEquals(500, r.serviceCpuUsPerOp(), 1e-9);
        assertEquals(250, r.loadCpuUsPerOp(), 1e-9);
        assertTrue(Double.isNaN(r.storeCpuUsPerOp()));
    }

    @Test
    void procFilesAreParsed() {
        // the command name may hold spaces and parentheses
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 219 0 0 20 0 40 0 100 1 1";
        assertEquals(950, Cpu.parseStatCpuTicks(stat));
        assertEquals(123456, Cpu.parseRssKiB("Name:\tjava\nVmHWM:\t  200000 kB\nVmRSS:\t  123456 kB\n"));
    }

    @Test
    void targetsSayPassMissOrNotRun() {
        assertEquals(Target.Verdict.PASS, Target.atMost("t", "f", 1.1, 1.15).verdict());
        assertEquals(Target.Verdict.MISS, Target.atMost("t", "f", 1.2, 1.15).verdict());
        assertEquals(Target.Verdict.PASS, Target.atLeast("t", "f", 5.5, 5).verdict());
        assertEquals(Target.Verdict.PASS, Target.exactly("t", "f", 1.002, 1).verdict());
        assertEquals(Target.Verdict.MISS, Target.exactly("t", "f", 1.5, 1).verdict());
        assertEquals(
                Target.Verdict.NOT_RUN, Target.atMost("t", "f", Double.NaN, 1).verdict());
    }

    @Test
    void ratiosAgainstTheFloorAndTheMarkdown() {
        Report report = new Report();
        String wan = SystemUnderTest.latencyStore(2.5);
        report.add(new Result(
                "uncontended",
                "statelock",
                "dynamodb",
                16,
                1000,
                1,
                4,
                9,
                12,
                300,
                900,
                200,
                "store writes per acquire/release 1.000, reads 0.000"));
        report.add(new Result("uncontended", "statelock", wan, 16, 1000, 1, 14, 19, 22, 300, 900, 200, ""));
        report.add(new Result("uncontended", "floor", wan, 16, 1100, 1, 13.6, 18, 21, Double.NaN, 850, 150, ""));
        report.add(
                new Result(
                        "waiting",
                        "statelock",
                        "embedded",
                        1000,
                        480,
                        10,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        "1000 waiting on 100 keys; store calls per key per 1 s poll interval 0.48 (reads 0, write attempts 480)"));
        report.add(new Result(
                "keep-alive",
                "statelock",
                "embedded",
                100_000,
                102_000,
                102,
                0.7,
                4.3,
                39,
                372,
                Double.NaN,
                217,
                "ttl 300 s; 64 streams; renewal failures 0; store writes per renewal 1.000"));
        Targets.add(
                report,
                (s, sys, st, c) -> report.results().stream()
                        .filter(r -> r.scenario().equals(s)
                                && r.system().equals(sys)
                                && r.store().equals(st)
                                && r.concurrency() == c)
                        .findFirst()
                        .orElse(null),
                2.5,
                Map.of("embedded/100000", new double[] {300, 100_000, 1000}),
                Map.of("embedded/100000", new double[] {0, 100_000, 35}));
        assertEquals(
                Target.Verdict.PASS,
                target(report, "service CPU per lock+unlock cycle ≤ 450 µs, 16 clients, dynamodb")
                        .verdict());
        Target p50 = target(report, "p50 ≤ floor p50 + 1.0 ms, 16 clients, dynamodb +2.5 ms");
        assertEquals(0.4, p50.value(), 1e-9);
        assertEquals(Target.Verdict.PASS, p50.verdict());
        Target tput = target(report, "throughput ≥ 0.9× the floor's, 16 clients, dynamodb +2.5 ms");
        assertEquals(1000.0 / 1100, tput.value(), 1e-9);
        assertEquals(Target.Verdict.PASS, tput.verdict());
        assertEquals(
                Target.Verdict.NOT_RUN,
                target(report, "p50 ≤ floor p50 + 1.0 ms, 1 clients, dynamodb +2.5 ms")
                        .verdict());
        Target waiting =
                target(report, "store calls ≤ 1 per key per poll interval, 1,000 waiting on 100 keys, embedded");
        assertEquals(0.48, waiting.value(), 1e-9);
        assertEquals(Target.Verdict.PASS, waiting.verdict());
        assertEquals(
                Target.Verdict.PASS,
                target(report, "RSS ≤ 512 MiB with 100k held leases, embedded").verdict());
        Target renewals = target(report, "100k leases renewed over KeepAlive at ttl/3 without failures, embedded");
        assertEquals(Target.Verdict.PASS, renewals.verdict());
        assertTrue(renewals.figure().contains("service CPU 35% of a core"), renewals.figure());
        Target perRenewal = target(report, "1 store write per heartbeat, embedded"); // from the 100k row alone
        assertEquals(1.0, perRenewal.value(), 1e-9);
        assertEquals(Target.Verdict.PASS, perRenewal.verdict());
        Target writes = target(report, "1 store write per uncontended acquire and release, dynamodb");
        assertEquals(1.0, writes.value(), 1e-9);
        assertEquals(Target.Verdict.PASS, writes.verdict());
        String md = report.markdown("run", "clients/bench/run.sh --quick", "2 cores");
        assertTrue(
                md.contains(
                        "| uncontended | statelock | dynamodb | 16 | 1000 | 1000 | 4.00 | 9.00 | 12.00 | 300 | 900 | 200 |"),
                md);
        assertTrue(md.contains("| throughput ≥ 0.9× the floor's, 16 clients, dynamodb +2.5 ms |"), md);
        assertTrue(md.contains("| PASS |"), md);
        assertTrue(md.contains("not run"), md); // etcd was not measured here
    }

    @Test
    void figuresAreReadBackFromNotes() {
        Result r = new Result(
                "hand-off",
                "statelock",
                "embedded",
                8,
                10,
                1,
                1,
                2,
                3,
                1,
                1,
                1,
                "in arrival order 99.5%, store calls per hand-off 2.00");
        assertEquals(99.5, Result.noteFigure(r, "in arrival order"), 1e-9);
        assertEquals(2.0, Result.noteFigure(r, "store calls per hand-off"), 1e-9);
        assertTrue(Double.isNaN(Result.noteFigure(r, "absent")));
    }

    private static Target target(Report report, String name) {
        return report.targets().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no target " + name));
    }
}
