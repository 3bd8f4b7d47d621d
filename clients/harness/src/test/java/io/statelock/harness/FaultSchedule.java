package io.statelock.harness;

import io.statelock.testing.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Injects faults one at a time on a seeded schedule until the fault window ends: each round is a
 * seeded shuffle of every fault kind (so a short run still sees each kind), with 0.5–2 s of calm
 * between faults. Every fault is healed before the next one starts (a restarted server is listening
 * again), so "after the last fault" is a well-defined moment.
 */
final class FaultSchedule {
    private final Random random;
    private final Cluster cluster;
    private final Pauses pauses;
    private final Cancels cancels;
    private final History history;
    private final int workers;
    private final boolean pausesOnly;
    private final List<FaultEvent> events = new CopyOnWriteArrayList<>();

    FaultSchedule(
            long seed,
            Cluster cluster,
            Pauses pauses,
            Cancels cancels,
            History history,
            int workers,
            boolean pausesOnly) {
        this.random = new Random(seed);
        this.cluster = cluster;
        this.pauses = pauses;
        this.cancels = cancels;
        this.history = history;
        this.workers = workers;
        this.pausesOnly = pausesOnly;
    }

    List<FaultEvent> events() {
        return List.copyOf(events);
    }

    /**
     * Runs faults until {@code untilMs} (harness time) or {@code stop}, but at least one full round, so
     * that every kind runs even when restarts are slow on a loaded machine; returns when the last one
     * is healed.
     */
    void run(long untilMs, AtomicBoolean stop) throws Exception {
        List<Fault> round = new ArrayList<>();
        int rounds = 0;
        while (!stop.get() && (history.nowMs() < untilMs || (rounds == 1 && !round.isEmpty()))) {
            // Calm between faults: long enough for clients to reconnect and finish some cycles.
            sleep(500 + random.nextInt(1500));
            if (round.isEmpty()) {
                if (rounds > 0 && history.nowMs() >= untilMs) {
                    break;
                }
                rounds++;
                round.addAll(pausesOnly ? List.of(Fault.CLIENT_PAUSE) : Fault.injected());
                Collections.shuffle(round, random);
            }
            inject(round.remove(0));
        }
    }

    private void inject(Fault fault) throws Exception {
        long start = history.nowMs();
        String target;
        switch (fault) {
            case CLIENT_PAUSE -> {
                // Two workers at once (two keys, or one pause overlapping another holder's), in their next cycle.
                int a = random.nextInt(workers);
                int b = (a + 1 + random.nextInt(Math.max(1, workers - 1))) % workers;
                Pauses.Pause pa = pauses.request(a, HarnessOptions.PAUSE.toMillis());
                Pauses.Pause pb = pauses.request(b, HarnessOptions.PAUSE.toMillis());
                target = "w" + a + ", w" + b + " for " + HarnessOptions.PAUSE.toMillis() + " ms";
                if (!pausesOnly) {
                    // Healed once both paused writes were answered, so no other fault blurs them (a worker first
                    // ends its cycle: an acquire wait and a few calls); bounded in case the run stops first.
                    long bound = HarnessOptions.PAUSE
                                    .plus(HarnessOptions.ACQUIRE_WAIT)
                                    .toMillis()
                            + 15_000;
                    pa.done().await(bound, java.util.concurrent.TimeUnit.MILLISECONDS);
                    pb.done().await(bound, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            }
            case REPLICA_KILL -> {
                Replica r = cluster.replica(random.nextInt(cluster.replicaCount()));
                target = "replica-" + r.index;
                r.crashAndRestart(Duration.ofMillis(300 + random.nextInt(1200)), null);
            }
            case CLOCK_OFFSET -> {
                Replica r = cluster.replica(random.nextInt(cluster.replicaCount()));
                Duration offset = randomOffset(random);
                target = "replica-" + r.index + " " + r.clockOffset() + " -> " + offset;
                r.crashAndRestart(Duration.ofMillis(100), offset);
            }
            case STORE_RESTART -> {
                target = "dynalite";
                cluster.stores().restartDynalite(Duration.ofMillis(200 + random.nextInt(1500)));
            }
            case BLOB_STORE_RESTART -> {
                target = "s3proxy";
                cluster.stores().restartS3(Duration.ofMillis(200 + random.nextInt(1000)));
            }
            case LATENCY -> {
                FaultProxy link = randomLink();
                long ms = 20 + random.nextInt(230);
                target = link.name() + " +" + ms + " ms";
                link.latency(ms);
                sleep(1500 + random.nextInt(2500));
                link.heal();
            }
            case STALL -> {
                FaultProxy link = randomLink();
                long ms = 1000 + random.nextInt(3000);
                target = link.name() + " " + ms + " ms";
                link.stall(true);
                sleep(ms);
                link.heal();
            }
            case DROP -> {
                FaultProxy link = randomLink();
                target = link.name();
                link.drop();
            }
            case LOST_RESPONSE -> {
                FaultProxy link = randomStoreLink();
                int asked = 1 + random.nextInt(3);
                int before = link.lost().size();
                link.loseResponses(asked);
                // Every worker cycle writes to both stores (lock, state pointer, object); 5 s is plenty, and
                // bounds the fault on a link that went quiet (its replica restarting, say).
                long until = history.nowMs() + 5_000;
                while (link.responsesStillToLose() > 0 && history.nowMs() < until) {
                    sleep(20);
                }
                link.heal();
                target = link.name() + ", answers to " + asked + " writes: lost " + link.lostSince(before);
            }
            case CLIENT_CANCEL -> target = cancelWindow();
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
        events.add(new FaultEvent(fault, target, start, history.nowMs()));
    }

    /**
     * Opens a client-cancel window for 3-5 s and closes it. Timing: 3 s of extra calm first, so the last fault's
     * reconnects and retries are over (any call failing in the window is then the cancels' doing), and 2 s after
     * it for the cancels' effects (a connection reset, a reconnect) to show before the window is judged.
     */
    private String cancelWindow() throws InterruptedException {
        sleep(3000);
        // Every client's connection up before counting, so a reconnect in the window is one a cancel caused.
        cluster.clients().forEach(c -> {
            try {
                c.locks().validateFence("harness/key-0", 1);
            } catch (RuntimeException ignored) {
                // an answer of any kind means the connection is up
            }
        });
        int connections = clientConnections();
        int made = cancels.madeSoFar();
        long start = history.nowMs();
        cancels.open(true);
        sleep(3000 + random.nextInt(2000));
        cancels.open(false);
        sleep(2000);
        Cancels.Window w = new Cancels.Window(
                start, history.nowMs(), cancels.madeSoFar() - made, clientConnections() - connections);
        cancels.closed(w);
        return w.cancels() + " calls cancelled, " + w.newConnections() + " client reconnects";
    }

    private int clientConnections() {
        return cluster.replicas().stream()
                .mapToInt(r -> r.clientLink.accepted())
                .sum();
    }

    /** Within half the max clock skew either way, so any two replicas stay within the skew. */
    static Duration randomOffset(Random random) {
        long half = HarnessOptions.SKEW.toMillis() / 2;
        return Duration.ofMillis(random.nextInt((int) (2 * half + 1)) - half);
    }

    /** A replica's link to DynamoDB or to S3, where the AWS SDK retries what it could not hear. */
    private FaultProxy randomStoreLink() {
        Replica r = cluster.replica(random.nextInt(cluster.replicaCount()));
        return random.nextBoolean() ? r.dynamoLink : r.s3Link;
    }

    private FaultProxy randomLink() {
        List<FaultProxy> links = cluster.links();
        return links.get(random.nextInt(links.size()));
    }

    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }
}
