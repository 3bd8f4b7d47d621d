package io.statelock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
        report.add(new Result("uncontended", "floor", "dynamodb", 16, 1100, 1, 3.6, 8, 11, Double.NaN, 850, 150, ""));
        Targets.add(
                report,
                (s, sys, st, c) -> report.results().stream()
                        .filter(r -> r.scenario().equals(s)
                                && r.system().equals(sys)
                                && r.store().equals(st)
                                && r.concurrency() == c)
                        .findFirst()
                        .orElse(null),
                Map.of(),
                Map.of());
        List<Target> targets = report.targets();
        Target tput = targets.get(0);
        assertEquals(1.1, tput.value(), 1e-9);
        assertEquals(Target.Verdict.PASS, tput.verdict());
        assertEquals(Target.Verdict.PASS, targets.get(1).verdict()); // 4 / 3.6 = 1.11
        Target writes = targets.stream()
                .filter(t -> t.name().startsWith("1 store write per uncontended")
                        && t.name().endsWith("dynamodb"))
                .findFirst()
                .orElseThrow();
        assertEquals(1.0, writes.value(), 1e-9);
        assertEquals(Target.Verdict.PASS, writes.verdict());
        String md = report.markdown("run", "clients/bench/run.sh --quick", "2 cores");
        assertTrue(
                md.contains(
                        "| uncontended | statelock | dynamodb | 16 | 1000 | 1000 | 4.00 | 9.00 | 12.00 | 300 | 900 | 200 |"),
                md);
        assertTrue(md.contains("| service / floor ≤ 1.15× throughput, 16 clients, DynamoDB |"), md);
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
}
