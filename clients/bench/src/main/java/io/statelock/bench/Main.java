package io.statelock.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * statelock benchmark: uncontended, floor, contention, waiting, keep-alive and memory scenarios
 * on the embedded store and on DynamoDB (dynalite), with etcd as the peer. Starts what it needs on
 * loopback unless given addresses. Prints a Markdown report and writes it, with PNG charts, to
 * the results folder.
 */
public final class Main {
    private final Options o;
    private final Report report = new Report();
    private final CapacityLedger capacity = new CapacityLedger();
    private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    private Main(Options o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(64);
            return;
        }
        new Main(o).runAll();
        System.exit(0);
    }

    private void runAll() throws Exception {
        String loadBefore = Machine.loadAverage();
        long started = System.nanoTime();
        Path tmp = Files.createTempDirectory("statelock-bench-");
        Machine.log("work directory " + tmp);
        List<AutoCloseable> open = new ArrayList<>();
        KeepAliveRuns keepAlive = new KeepAliveRuns(o, report, run, capacity);
        try {
            measure(SystemUnderTest.startAll(o, tmp, report, open), keepAlive);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    Machine.log("closing: " + e);
                }
            }
        }
        Targets.add(report, report::find, o.storeLatencyMs, keepAlive.memoryRss, keepAlive.keepAliveFailures);
        // Units measured against a DynamoDB this run started itself are dynalite's; an external endpoint may be AWS.
        report.capacity(capacity.lines(CostModel.ON_DEMAND, o.service == null));
        report.note("load average (1/5/15 min) before: " + loadBefore + ", after: " + Machine.loadAverage()
                + " (other builds on this machine share its cores); the run took "
                + Math.round((System.nanoTime() - started) / 60e9) + " min");
        report.note(
                "systems are measured one after the other at each point, all servers running; hand-off = "
                        + "release sent → next grant received; fairness = the grant went to the earliest request still waiting");
        if (o.service == null) report.note("service JVM options: `" + Proc.serviceJvmOptions() + "`");
        write();
    }

    private void measure(List<SystemUnderTest> suts, KeepAliveRuns keepAlive) throws Exception {
        StringBuilder warm = new StringBuilder("warm-up, until the CPU per cycle settles: ");
        for (SystemUnderTest s : suts) {
            Machine.log(s.label() + ": warm-up");
            String line = WarmUp.run(s, o.warmUp(s), "bench/" + run + "/warm-" + s.system + "-" + s.tag());
            warm.append(warm.charAt(warm.length() - 2) == ':' ? "" : "; ").append(line);
        }
        report.note(warm.toString());
        PointRuns points = new PointRuns(o, report, run, capacity);
        for (int c : o.runs("uncontended") ? o.clients() : new int[0]) {
            for (SystemUnderTest s : suts) points.uncontended(s, c);
        }
        for (int w : o.runs("handoff") ? o.waiters() : new int[0]) {
            for (SystemUnderTest s : suts) if (s.waiters != null && !s.uncontendedOnly) points.handoff(s, w);
        }
        if (o.runs("waiting")) {
            for (SystemUnderTest s : suts) {
                if (s.clients == null || s.uncontendedOnly) continue;
                points.waitingReads(s, 64, 1);
                points.waitingReads(s, o.quick ? 100 : 1000, 100);
            }
        }
        for (int n : o.runs("keepalive") ? o.leases() : new int[0]) {
            boolean last = n == o.leases()[o.leases().length - 1];
            for (SystemUnderTest s : suts) {
                if (s.clients != null && !s.uncontendedOnly) keepAlive.statelock(s, n, last);
                if (s.etcd != null && n <= 10_000) keepAlive.etcd(s, n); // 100k etcd leases take minutes to grant
            }
        }
    }

    private void write() throws Exception {
        String prefix = o.quick ? "quick" : "full";
        Files.createDirectories(o.out);
        String md = report.markdown(
                "statelock benchmark (" + prefix + ", "
                        + Instant.now().toString().substring(0, 19) + "Z)",
                o.command,
                Machine.describe());
        Files.writeString(
                o.out.resolve(prefix + ".md"),
                md + "\n![uncontended](" + prefix + "-uncontended.png)\n" + "![hand-off](" + prefix
                        + "-handoff.png)\n");
        Charts.write(report.results(), o.out, prefix, Runtime.getRuntime().availableProcessors() + " cores");
        System.out.println(md);
        Machine.log("written to " + o.out.resolve(prefix + ".md"));
    }
}
