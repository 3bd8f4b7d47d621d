package io.statelock.bench;

import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.AcquireResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * statelock benchmark: uncontended, floor, contention, waiting, keep-alive and memory scenarios
 * on the embedded store and on DynamoDB (dynalite), with etcd as the peer. Starts what it needs on
 * loopback unless given addresses. Prints a Markdown report and writes it, with PNG charts, to
 * the results folder.
 */
public final class Main {
    static final String TABLE = "statelock-locks";

    final Options o;
    final Report report = new Report();
    final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    Main(Options o) {
        this.o = o;
    }

    /** Command-line options; see {@link #usage()}. */
    static final class Options {
        boolean quick;
        Path repo = Path.of(".");
        Path out;
        String service;           // external service host:port
        long servicePid = -1;
        String storeLabel = "external";
        String dynamodb;          // external DynamoDB-API endpoint for the floor
        String etcd;              // external etcd endpoint
        String etcdBinary = "etcd";
        boolean noEtcd;
        List<String> stores = List.of("embedded", "dynamodb");
        String command = "clients/bench/run.sh";
        int[] leases;             // --leases 1000,10000 overrides the mode's

        int[] clients() {
            return new int[] {1, 4, 16, 64};
        }

        int[] waiters() {
            return new int[] {1, 8, 64};
        }

        int[] leases() {
            if (leases != null) return leases;
            return quick ? new int[] {1000} : new int[] {1000, 10000};
        }

        int memoryWaiters() {
            return quick ? 100 : 1000;
        }

        Scenarios.Timing timing() {
            return quick ? new Scenarios.Timing(1, 2) : new Scenarios.Timing(2, 6);
        }

        double renewSeconds() {
            return quick ? 10 : 20;
        }

        double waitWindowSeconds() {
            return quick ? 5 : 10;
        }
    }

    static String usage() {
        return """
                usage: run.sh [--quick] [--stores embedded,dynamodb] [--no-etcd]
                              [--service HOST:PORT [--service-pid PID] [--store-label NAME] [--dynamodb URL]]
                              [--etcd URL | --etcd-binary PATH] [--leases 1000,10000] [--out DIR]
                  Without --service it starts the packaged service (target/quarkus-app), dynalite and etcd itself.""";
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> o.quick = true;
                case "--repo" -> o.repo = Path.of(args[++i]);
                case "--out" -> o.out = Path.of(args[++i]);
                case "--service" -> o.service = args[++i];
                case "--service-pid" -> o.servicePid = Long.parseLong(args[++i]);
                case "--store-label" -> o.storeLabel = args[++i];
                case "--dynamodb" -> o.dynamodb = args[++i];
                case "--etcd" -> o.etcd = args[++i];
                case "--etcd-binary" -> o.etcdBinary = args[++i];
                case "--no-etcd" -> o.noEtcd = true;
                case "--stores" -> o.stores = Arrays.asList(args[++i].split(","));
                case "--command" -> o.command = args[++i];
                case "--leases" -> o.leases = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
            }
        }
        if (o.out == null) o.out = o.repo.resolve("clients/bench/results");
        return o;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = parse(args);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(64);
            return;
        }
        new Main(o).runAll();
        System.exit(0);
    }

    /** A target of the run: a statelock service on one store, the floor, or etcd. */
    static final class Sut {
        final String system;
        final String store;
        final String address;           // statelock only
        final Supplier<Cpu.Snapshot> cpu;
        final long servicePid;
        final Systems.CyclerFactory cyclers;
        final Systems.WaiterFactory waiters; // null for the floor
        StatelockClients clients;         // statelock only
        Etcd etcd;                        // etcd only
        double idleRss = Double.NaN;

        Sut(String system, String store, String address, Supplier<Cpu.Snapshot> cpu, long servicePid,
            Systems.CyclerFactory cyclers, Systems.WaiterFactory waiters) {
            this.system = system;
            this.store = store;
            this.address = address;
            this.cpu = cpu;
            this.servicePid = servicePid;
            this.cyclers = cyclers;
            this.waiters = waiters;
        }

        String label() {
            return system + "/" + store;
        }
    }

    /**
     * Starts every server first, then measures the systems one after the other at each point, so a
     * change of load on the machine (other builds) falls on all of them alike.
     */
    void runAll() throws Exception {
        String loadBefore = loadAverage();
        Path tmp = Files.createTempDirectory("statelock-bench-");
        log("work directory " + tmp);
        List<AutoCloseable> open = new ArrayList<>();
        List<Sut> suts = new ArrayList<>();
        try {
            if (o.service != null) {
                suts.add(statelock(o.storeLabel, o.service, o.servicePid, -1, open));
                if (o.dynamodb != null) suts.add(floor(o.dynamodb, new Cpu(-1, -1)::snapshot, open));
            } else {
                for (String store : o.stores) {
                    Proc dynalite = null;
                    if (store.equals("dynamodb")) {
                        dynalite = Proc.dynalite(o.repo, tmp);
                        open.add(0, dynalite);
                    }
                    Proc service = Proc.service(o.repo, tmp, store, dynalite == null ? 0 : dynalite.port);
                    open.add(0, service);
                    suts.add(statelock(store, "127.0.0.1:" + service.port, service.pid(),
                            dynalite == null ? -1 : dynalite.pid(), open));
                    if (dynalite != null) {
                        suts.add(floor("http://127.0.0.1:" + dynalite.port, new Cpu(-1, dynalite.pid())::snapshot, open));
                    }
                }
            }
            if (!o.noEtcd) {
                Sut etcd = etcd(tmp, open);
                if (etcd != null) suts.add(suts.size() > 1 ? 1 : suts.size(), etcd);
            }
            measure(suts);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    log("closing: " + e);
                }
            }
        }
        targets();
        report.note("load average (1/5/15 min) before: " + loadBefore + ", after: " + loadAverage()
                + " (other builds on this machine share its cores)");
        report.note("systems are measured one after the other at each point, all servers running; hand-off = "
                + "release sent → next grant received; fairness = the grant went to the earliest request still waiting");
        String prefix = o.quick ? "quick" : "full";
        Files.createDirectories(o.out);
        String md = report.markdown("statelock benchmark (" + prefix + ", " + Instant.now().toString().substring(0, 19) + "Z)",
                o.command, machine());
        Files.writeString(o.out.resolve(prefix + ".md"), md + "\n![uncontended](" + prefix + "-uncontended.png)\n"
                + "![hand-off](" + prefix + "-handoff.png)\n");
        Charts.write(report.results(), o.out, prefix, Runtime.getRuntime().availableProcessors() + " cores");
        System.out.println(md);
        log("written to " + o.out.resolve(prefix + ".md"));
    }

    Sut statelock(String store, String address, long servicePid, long storePid, List<AutoCloseable> open) {
        StatelockClients clients = new StatelockClients(address, 4);
        open.add(0, clients);
        Sut s = new Sut("statelock", store, address, new Cpu(servicePid, storePid)::snapshot, servicePid,
                clients.cyclers(), clients.waiters());
        s.clients = clients;
        s.idleRss = Cpu.rssMiB(servicePid);
        return s;
    }

    Sut floor(String endpoint, Supplier<Cpu.Snapshot> cpu, List<AutoCloseable> open) {
        Floor floor = new Floor(endpoint, TABLE);
        open.add(0, floor);
        return new Sut("floor", "dynamodb", null, cpu, -1, floor.cyclers(), null);
    }

    Sut etcd(Path tmp, List<AutoCloseable> open) {
        Proc proc = null;
        String endpoint = o.etcd;
        try {
            if (endpoint == null) {
                proc = Proc.etcd(o.etcdBinary, tmp);
                open.add(0, proc);
                endpoint = "http://127.0.0.1:" + proc.port;
            }
            Etcd etcd = new Etcd(endpoint);
            open.add(0, etcd);
            Sut s = new Sut("etcd", "etcd (fsync)", null, new Cpu(proc == null ? -1 : proc.pid(), -1)::snapshot,
                    -1, etcd.cyclers(), etcd.waiters());
            s.etcd = etcd;
            return s;
        } catch (Exception e) {
            report.note("etcd peer not run: " + e);
            log("etcd not started: " + e);
            return null;
        }
    }

    void measure(List<Sut> suts) throws Exception {
        Scenarios.Timing warm = new Scenarios.Timing(0, o.quick ? 2 : 8);
        for (Sut s : suts) {
            log(s.label() + ": warm-up");
            Scenarios.uncontended(s.cyclers, 4, "bench/" + run + "/warm-" + s.system + "-" + s.store.charAt(0), warm,
                    s.cpu, new Latency(), new AtomicLong());
        }
        for (int c : o.clients()) {
            for (Sut s : suts) uncontended(s, c);
        }
        for (int w : o.waiters()) {
            for (Sut s : suts) if (s.waiters != null) handoff(s, w);
        }
        for (Sut s : suts) if (s.clients != null) waitingReads(s.store, s.address, s.cpu);
        for (int n : o.leases()) {
            boolean last = n == o.leases()[o.leases().length - 1];
            for (Sut s : suts) {
                if (s.clients != null) keepAlive(s.store, s.address, s.clients, s.servicePid, s.cpu, n, last, s.idleRss);
                if (s.etcd != null) etcdKeepAlive(s.etcd, s.cpu, n);
            }
        }
    }

    void uncontended(Sut s, int c) throws Exception {
        log(s.label() + ": uncontended, " + c + " clients");
        Latency latency = new Latency();
        AtomicLong cycles = new AtomicLong();
        String prefix = (s.system.equals("floor") ? "floor/" : "bench/") + run + "/u-" + s.system + "-" + s.store.charAt(0) + c;
        ServiceMetrics m0 = s.address == null ? null : ServiceMetrics.scrape(s.address);
        Scenarios.Window w = Scenarios.uncontended(s.cyclers, c, prefix, o.timing(), s.cpu, latency, cycles);
        String notes;
        if (s.address != null) {
            ServiceMetrics m1 = ServiceMetrics.scrape(s.address);
            notes = String.format(Locale.ROOT, "store writes per acquire/release %.3f, reads %.3f",
                    (m1.writes() - m0.writes()) / (2.0 * cycles.get()), (m1.reads() - m0.reads()) / (2.0 * cycles.get()));
        } else if (s.system.equals("floor")) {
            notes = "the same UpdateItem pair, no service";
        } else {
            notes = "jetcd Lock + Lease; service CPU is etcd's";
        }
        report.add(Result.of("uncontended", s.system, s.store, c, latency, w.seconds(), w.cpu(), notes + errors(w)));
    }

    void handoff(Sut s, int waiters) throws Exception {
        log(s.label() + ": hand-off, " + waiters + " waiters");
        Scenarios.Handoffs h = new Scenarios.Handoffs();
        ServiceMetrics m0 = s.address == null ? null : ServiceMetrics.scrape(s.address);
        Scenarios.Window w = Scenarios.contention(s.waiters, waiters,
                "bench/" + run + "/h-" + s.system + "-" + s.store.charAt(0) + waiters + "/terraform.tfstate", o.timing(),
                s.cpu, h);
        String notes = String.format(Locale.ROOT, "in arrival order %.1f%%", 100 * h.inOrderShare());
        if (s.address != null) {
            ServiceMetrics m1 = ServiceMetrics.scrape(s.address);
            notes += String.format(Locale.ROOT, ", store calls per hand-off %.2f", (m1.calls() - m0.calls()) / h.grants.get());
        }
        report.add(Result.of("hand-off", s.system, s.store, waiters, h.latency, w.seconds(), w.cpu(), notes + errors(w)));
    }

    /** While 64 clients wait on one key held by another, how many store calls does this replica make? */
    void waitingReads(String store, String address, Supplier<Cpu.Snapshot> cpu) throws Exception {
        int waiters = 64;
        log(store + ": " + waiters + " waiting on one held key");
        String key = "bench/" + run + "/w-" + store + "/terraform.tfstate";
        try (StatelockClients holderClient = new StatelockClients(address, 1);
             StatelockClients waiting = new StatelockClients(address, 2)) {
            AcquireResponse holder = holderClient.blocking(0).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquire(StatelockClients.acquire(key, "bench-holder", 0));
            for (int i = 0; i < waiters; i++) {
                waiting.async(i).withDeadlineAfter(120, TimeUnit.SECONDS)
                        .acquire(StatelockClients.acquire(key, "bench-w" + i, 90), ignoring());
            }
            awaitWaiters(address, waiters);
            ServiceMetrics m0 = ServiceMetrics.scrape(address);
            Cpu.Snapshot c0 = cpu.get();
            long t0 = System.nanoTime();
            Thread.sleep((long) (o.waitWindowSeconds() * 1000));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Cpu.Snapshot c1 = cpu.get();
            ServiceMetrics m1 = ServiceMetrics.scrape(address);
            double calls = m1.calls() - m0.calls();
            double perInterval = calls / seconds; // poll interval 1 s (the default)
            Cpu.Delta d = c1.since(c0);
            report.add(new Result("waiting-64", "statelock", store, waiters, (long) calls, seconds, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    String.format(Locale.ROOT, "store calls per 1 s poll interval %.2f (reads %.0f, write attempts %.0f); "
                                    + "service CPU %.1f ms/s", perInterval, m1.reads() - m0.reads(),
                            m1.writes() - m0.writes(), d.serviceUs() / 1000 / seconds)));
            holderClient.blocking(0).withDeadlineAfter(30, TimeUnit.SECONDS).release(io.statelock.proto.v1.ReleaseRequest
                    .newBuilder().setKey(key).setLeaseId(holder.getLeaseId()).build());
        }
    }

    void keepAlive(String store, String address, StatelockClients clients, long servicePid, Supplier<Cpu.Snapshot> cpu,
                   int n, boolean memory, double idleRss) throws Exception {
        log(store + ": " + n + " leases over KeepAlive");
        Heartbeats hb = new Heartbeats(clients);
        hb.acquire(n, "bench/" + run + "/hb-" + store + "-" + n);
        int streams = Math.max(1, Math.min(64, n / 100));
        ServiceMetrics m0 = ServiceMetrics.scrape(address);
        Cpu.Snapshot c0 = cpu.get();
        double seconds = hb.renew(streams, o.renewSeconds());
        Cpu.Snapshot c1 = cpu.get();
        ServiceMetrics m1 = ServiceMetrics.scrape(address);
        double writesPerRenewal = (m1.sum(ServiceMetrics.CALLS, "operation=\"heartbeat\"")
                - m0.sum(ServiceMetrics.CALLS, "operation=\"heartbeat\"")) / hb.renewals.get();
        Cpu.Delta d = c1.since(c0);
        double rssHeld = Cpu.rssMiB(servicePid);
        report.add(Result.of("keep-alive", "statelock", store, n, hb.latency, seconds, d,
                String.format(Locale.ROOT, "%d streams; renewal failures %d; store writes per renewal %.3f; service CPU "
                                + "%.0f%% of a core; %d acquires took %.1f s; RSS %.0f MiB", streams, hb.failures.get(),
                        writesPerRenewal, d.serviceUs() / 1e4 / seconds, n, hb.acquireSeconds, rssHeld)));
        if (memory) {
            int waiters = o.memoryWaiters();
            log(store + ": memory with " + n + " leases and " + waiters + " waiters");
            try (StatelockClients waiting = new StatelockClients(address, 4)) {
                for (int i = 0; i < waiters; i++) {
                    AcquireResponse held = hb.leases.get(i % hb.leases.size());
                    waiting.async(i).withDeadlineAfter(60, TimeUnit.SECONDS)
                            .acquire(StatelockClients.acquire(held.getKey(), "bench-mw" + i, 15), ignoring());
                }
                awaitWaiters(address, waiters);
                double rss = Cpu.rssMiB(servicePid);
                report.add(new Result("memory", "statelock", store, n, 0, 0, Double.NaN, Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN, String.format(Locale.ROOT,
                        "RSS %.0f MiB with %d held leases and %d waiting clients (idle at start %.0f MiB)", rss, n,
                        waiters, idleRss)));
                memoryRss.put(store, new double[] {rss, n, waiters});
            }
        }
        if (n >= 10_000 || o.leases().length == 1) keepAliveFailures.put(store, new double[] {hb.failures.get(), n});
        hb.releaseAll();
    }

    final java.util.Map<String, double[]> memoryRss = new java.util.LinkedHashMap<>();
    final java.util.Map<String, double[]> keepAliveFailures = new java.util.LinkedHashMap<>();

    static <T> StreamObserver<T> ignoring() {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    void awaitWaiters(String address, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (ServiceMetrics.scrape(address).sum("statelock_waiters") >= n) return;
            Thread.sleep(100);
        }
        log("warning: fewer than " + n + " waiters seen after 30 s");
    }

    // ---------------------------------------------------------------- etcd

    void etcdKeepAlive(Etcd etcd, Supplier<Cpu.Snapshot> cpu, int n) throws Exception {
        log("etcd: " + n + " leases kept alive");
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
        Cpu.Snapshot c0 = cpu.get();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            List<Long> mine = new ArrayList<>();
            for (int i = s; i < leases.size(); i += streams) mine.add(leases.get(i));
            int stream = s;
            Thread t = new Thread(() -> {
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
            });
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        Cpu.Delta d = cpu.get().since(c0);
        double seconds = (end - start) / 1e9;
        report.add(Result.of("keep-alive", "etcd", "etcd (fsync)", n, latency, seconds, d,
                String.format(Locale.ROOT, "keepAliveOnce at ttl/3 from %d threads; failures %d; etcd CPU %.0f%% of a core",
                        streams, failures.get(), d.serviceUs() / 1e4 / seconds)));
        for (Long lease : leases) {
            try {
                etcd.client.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // expires at its ttl anyway
            }
        }
    }

    // ---------------------------------------------------------------- targets

    Result find(String scenario, String system, String store, int concurrency) {
        for (Result r : report.results()) {
            if (r.scenario().equals(scenario) && r.system().equals(system) && r.store().equals(store)
                    && r.concurrency() == concurrency) return r;
        }
        return null;
    }

    static double noteFigure(Result r, String label) {
        if (r == null || r.notes() == null) return Double.NaN;
        int i = r.notes().indexOf(label);
        if (i < 0) return Double.NaN;
        String rest = r.notes().substring(i + label.length()).trim();
        StringBuilder num = new StringBuilder();
        for (char ch : rest.toCharArray()) {
            if (Character.isDigit(ch) || ch == '.' || ch == '-') num.append(ch);
            else break;
        }
        try {
            return Double.parseDouble(num.toString());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    void targets() {
        Targets.add(report, this::find, memoryRss, keepAliveFailures);
    }

    static String errors(Scenarios.Window w) {
        return w.errors() == 0 ? "" : "; ERRORS " + w.errors();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static String machine() {
        String model = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + model + "), Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name");
    }

    static void log(String message) {
        System.err.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + message);
    }
}
