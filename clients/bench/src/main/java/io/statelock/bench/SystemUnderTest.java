package io.statelock.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** What one row of the report measured: a statelock service on one store, the floor, or etcd. */
final class SystemUnderTest {
    static final String TABLE = "statelock-locks";

    final String system;
    final String store;
    final String address; // statelock only
    final Supplier<Cpu.Snapshot> cpu;
    final long servicePid;
    final Systems.CyclerFactory cyclers;
    final Systems.WaiterFactory waiters; // null for the floor
    StatelockClients clients; // statelock only
    Etcd etcd; // etcd only
    double idleRss = Double.NaN;
    boolean uncontendedOnly; // behind the latency proxy: no hand-off, waiting or keep-alive rows

    private SystemUnderTest(
            String system,
            String store,
            String address,
            Supplier<Cpu.Snapshot> cpu,
            long servicePid,
            Systems.CyclerFactory cyclers,
            Systems.WaiterFactory waiters) {
        this.system = system;
        this.store = store;
        this.address = address;
        this.cpu = cpu;
        this.servicePid = servicePid;
        this.cyclers = cyclers;
        this.waiters = waiters;
    }

    /** The store label's letters and digits, for key prefixes: distinct per row, also for two builds on one table. */
    String tag() {
        String tag = store.replaceAll("[^A-Za-z0-9]", "");
        return tag.isEmpty() ? "x" : tag;
    }

    String label() {
        return system + "/" + store;
    }

    /**
     * Starts (or connects to) every server first; the scenarios then measure the systems one after the
     * other at each point, so a change of load on the machine (other builds) falls on all of them alike.
     * What was started is added to {@code open}, to be closed in that order.
     */
    static List<SystemUnderTest> startAll(Options o, Path tmp, Report report, List<AutoCloseable> open)
            throws Exception {
        List<SystemUnderTest> suts = new ArrayList<>();
        if (o.service != null) {
            // Several, comma-separated, for a side-by-side A/B of two builds: measured in turn at every point.
            String[] addresses = o.service.split(",");
            String[] pids = o.servicePid.split(",");
            String[] labels = o.storeLabel.split(",");
            for (int i = 0; i < addresses.length; i++) {
                long pid = i < pids.length ? Long.parseLong(pids[i]) : -1;
                String label = i < labels.length ? labels[i] : o.storeLabel + "-" + (i + 1);
                suts.add(statelock(label, addresses[i], pid, -1, open));
            }
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
                suts.add(statelock(
                        store,
                        "127.0.0.1:" + service.port,
                        service.pid(),
                        dynalite == null ? -1 : dynalite.pid(),
                        open));
                if (dynalite != null) {
                    suts.add(floor("http://127.0.0.1:" + dynalite.port, new Cpu(-1, dynalite.pid())::snapshot, open));
                    if (o.storeLatencyMs > 0) suts.addAll(behindLatency(o, tmp, dynalite, open));
                }
            }
        }
        if (!o.noEtcd) {
            SystemUnderTest etcd = etcd(o, tmp, report, open);
            if (etcd != null) suts.add(suts.size() > 1 ? 1 : suts.size(), etcd);
        }
        return suts;
    }

    /**
     * A second service and floor whose DynamoDB is the same dynalite behind {@link LatencyProxy}: what the service
     * adds to a store's own latency. Measured uncontended only (the other scenarios are the store's, not the wire's).
     */
    private static List<SystemUnderTest> behindLatency(Options o, Path tmp, Proc dynalite, List<AutoCloseable> open)
            throws Exception {
        LatencyProxy proxy = new LatencyProxy(dynalite.port, o.storeLatencyMs);
        open.add(0, proxy);
        String store = latencyStore(o.storeLatencyMs);
        Proc service = Proc.service(o.repo, tmp, "dynamodb", proxy.port(), "latency");
        open.add(0, service);
        SystemUnderTest s = statelock(store, "127.0.0.1:" + service.port, service.pid(), dynalite.pid(), open);
        s.uncontendedOnly = true;
        SystemUnderTest f = floor("http://127.0.0.1:" + proxy.port(), new Cpu(-1, dynalite.pid())::snapshot, open);
        return List.of(s, new SystemUnderTest(f.system, store, null, f.cpu, -1, f.cyclers, null));
    }

    /** The store label of the systems behind the latency proxy, e.g. "dynamodb +2.5 ms". */
    static String latencyStore(double ms) {
        return "dynamodb +" + Report.num(ms, 1) + " ms";
    }

    static SystemUnderTest statelock(
            String store, String address, long servicePid, long storePid, List<AutoCloseable> open) {
        StatelockClients clients = new StatelockClients(address, 4);
        open.add(0, clients);
        SystemUnderTest s = new SystemUnderTest(
                "statelock",
                store,
                address,
                new Cpu(servicePid, storePid)::snapshot,
                servicePid,
                clients.cyclers(),
                clients.waiters());
        s.clients = clients;
        s.idleRss = Cpu.rssMiB(servicePid);
        return s;
    }

    static SystemUnderTest floor(String endpoint, Supplier<Cpu.Snapshot> cpu, List<AutoCloseable> open) {
        Floor floor = new Floor(endpoint, TABLE);
        open.add(0, floor);
        return new SystemUnderTest("floor", "dynamodb", null, cpu, -1, floor.cyclers(), null);
    }

    /** etcd from --etcd, or a node started here; null (with a note in the report) when it cannot be run. */
    static SystemUnderTest etcd(Options o, Path tmp, Report report, List<AutoCloseable> open) {
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
            SystemUnderTest s = new SystemUnderTest(
                    "etcd",
                    "etcd (fsync)",
                    null,
                    new Cpu(proc == null ? -1 : proc.pid(), -1)::snapshot,
                    -1,
                    etcd.cyclers(),
                    etcd.waiters());
            s.etcd = etcd;
            return s;
        } catch (Exception e) {
            report.note("etcd peer not run: " + e);
            Machine.log("etcd not started: " + e);
            return null;
        }
    }
}
