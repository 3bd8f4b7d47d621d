package io.statelock.harness;

import io.statelock.client.AcquireOptions;
import io.statelock.client.LeaseGrant;
import io.statelock.client.StateNotFoundException;
import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run: start the cluster, run the workers under the fault schedule, stop the faults a quiet
 * tail before the workers, then check liveness (every key acquired within ttl + skew + margin) and
 * read every key's final state under that lease, and check the history.
 */
final class Harness {
    private final HarnessOptions options;

    Harness(HarnessOptions options) {
        this.options = options;
    }

    RunResult run() throws Exception {
        Layout layout = Layout.find();
        String missing = layout.missing();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        if (Files.isDirectory(options.workDir())) {
            try (var entries = Files.list(options.workDir())) {
                if (entries.findAny().isPresent()) {
                    // Old store data would carry another run's fences and records into this run's checks.
                    throw new IllegalStateException("work dir " + options.workDir() + " is not empty: pick another");
                }
            }
        }
        Files.createDirectories(options.workDir());
        History history = new History(System.nanoTime());
        Random seeded = new Random(options.seed());
        List<Duration> startOffsets = new ArrayList<>();
        for (int i = 0; i < options.replicas(); i++) {
            startOffsets.add(FaultSchedule.randomOffset(seeded));
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < options.keys(); i++) {
            keys.add("harness/key-" + i);
        }
        try (Cluster cluster = new Cluster(
                layout, options.workDir(), options.replicas(), options.broken(), startOffsets, history::nowMs)) {
            cluster.start();
            StoreMonitor monitor = new StoreMonitor(
                    cluster.stores().dynamoPort(),
                    "statelock-locks",
                    keys,
                    history::nowMs,
                    options.workDir().resolve("store-monitor.txt"));
            monitor.start();
            long begin = history.nowMs();
            Pauses pauses = new Pauses();
            Cancels cancels = new Cancels();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            // Workers of a group share one options object (and owner), as an application's threads share a constant.
            List<AcquireOptions> groups = new ArrayList<>();
            for (int g = 0; g < options.groups(); g++) {
                groups.add(Worker.groupOptions(g));
            }
            for (int i = 0; i < options.workers(); i++) {
                Worker w = new Worker(
                        i,
                        cluster.clients(),
                        keys,
                        groups.get(i % groups.size()),
                        history,
                        pauses,
                        cancels,
                        stop,
                        seeded.nextLong(),
                        options.broken());
                Thread t = new Thread(w, "worker-" + i);
                t.start();
                threads.add(t);
            }
            FaultSchedule faults = new FaultSchedule(
                    seeded.nextLong(), cluster, pauses, cancels, history, options.workers(), options.broken());
            long end = begin + options.duration().toMillis();
            try {
                faults.run(end - options.quietTail().toMillis(), stop);
                // Workers go on without faults for the quiet tail at least (an overrunning first round included).
                Thread.sleep(Math.max(options.quietTail().toMillis(), end - history.nowMs()));
            } finally {
                stop.set(true);
                for (Thread t : threads) {
                    t.join(60_000); // a cycle ends within an acquire wait plus a few call deadlines; 60 s is plenty
                }
            }
            Map<String, String> finals = livenessAndFinalStates(cluster, keys, history);
            monitor.close();
            System.out.printf(
                    "store monitor: a key's fence counter read lower than before %d times (store-monitor.txt)%n",
                    monitor.wentBack());
            List<Violation> violations = new ArrayList<>(
                    HistoryChecker.check(history.ops(), finals, options.livenessBoundMs(), cancels.windows()));
            keys.stream()
                    .filter(k -> !finals.containsKey(k))
                    .forEach(k -> violations.add(new Violation(3, k, "the final state could not be read", List.of())));
            // The store crashes the harness recovered from are listed with the faults, in start order.
            List<FaultEvent> events = new ArrayList<>(faults.events());
            events.addAll(cluster.stores().crashes());
            events.sort(java.util.Comparator.comparingLong(FaultEvent::startMs));
            RunResult result = new RunResult(
                    options, history.ops(), events, finals, violations, history.nowMs(), cluster.answersLost());
            writeHistory(result);
            return result;
        }
    }

    /** The whole history and the faults, in start order, to {@code history.txt} in the work dir. */
    private void writeHistory(RunResult r) throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        r.faults().forEach(f -> lines.add("fault " + f));
        r.ops().stream()
                .sorted(java.util.Comparator.comparingLong(Op::startMs))
                .forEach(op -> lines.add(op.toString()));
        Files.write(options.workDir().resolve("history.txt"), lines);
    }

    /**
     * For every key at once: acquire it (waiting up to the liveness bound), read its final state under
     * that lease, release. Keys whose state cannot be read are left out of the map.
     */
    private Map<String, String> livenessAndFinalStates(Cluster cluster, List<String> keys, History history)
            throws InterruptedException {
        Map<String, String> finals = new ConcurrentHashMap<>();
        // One object for every key's check, on one thread per key. A long ttl: the final read happens under
        // this lease, with no worker left to take over.
        AcquireOptions liveness = AcquireOptions.builder()
                .ttl(Duration.ofSeconds(30))
                .waitTimeout(Duration.ofMillis(options.livenessBoundMs()))
                .owner("liveness")
                .build();
        List<Thread> checks = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            StatelockClient client = cluster.clients().get(i % cluster.replicaCount());
            Thread t = new Thread(() -> finalState(client, key, history, finals, liveness), "liveness-" + i);
            t.start();
            checks.add(t);
        }
        for (Thread t : checks) {
            t.join();
        }
        return new HashMap<>(finals);
    }

    private void finalState(
            StatelockClient client, String key, History history, Map<String, String> finals, AcquireOptions liveness) {
        long t0 = history.nowMs();
        LeaseGrant lease;
        try {
            lease = client.locks().acquireDetached(key, liveness);
            history.add(
                    "check",
                    Op.Type.LIVENESS,
                    key,
                    t0,
                    Op.Outcome.OK,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    "");
        } catch (StatelockException e) {
            history.add("check", Op.Type.LIVENESS, key, t0, Op.Outcome.REFUSED, "", 0, "", 0, e.code());
            return;
        }
        t0 = history.nowMs();
        try {
            String state = new String(client.state().getBytes(key).bytes(), StandardCharsets.UTF_8);
            finals.put(key, state);
            history.add(
                    "check",
                    Op.Type.FINAL_READ,
                    key,
                    t0,
                    Op.Outcome.OK,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    StateRecords.parse(state).size() + " records");
        } catch (StateNotFoundException e) {
            finals.put(key, "");
            history.add(
                    "check",
                    Op.Type.FINAL_READ,
                    key,
                    t0,
                    Op.Outcome.OK,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    "no state");
        } catch (StatelockException e) {
            history.add(
                    "check",
                    Op.Type.FINAL_READ,
                    key,
                    t0,
                    Op.Outcome.ERROR,
                    lease.leaseId(),
                    lease.fencingToken(),
                    "",
                    0,
                    e.code() + ": " + e.getMessage());
        }
        try {
            client.locks().release(key, lease.leaseId());
        } catch (StatelockException e) {
            // the lease expires by itself; the check is done
        }
    }
}
