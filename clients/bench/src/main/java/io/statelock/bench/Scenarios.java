package io.statelock.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The timed loops shared by statelock, the floor and etcd. */
final class Scenarios {
    /** Warm-up then a measured window, in seconds. */
    record Timing(double warmupSeconds, double measureSeconds) {}

    /** What a run measured besides latencies. */
    record Window(double seconds, Cpu.Delta cpu, long errors) {}

    private Scenarios() {}

    /**
     * C clients, each acquiring and releasing its own key in a loop. A cycle (acquire + release)
     * counts when it started and ended inside the measured window.
     */
    static Window uncontended(
            Systems.CyclerFactory factory,
            int clients,
            String keyPrefix,
            Timing timing,
            Supplier<Cpu.Snapshot> cpu,
            Latency latency,
            AtomicLong allCycles)
            throws Exception {
        List<Systems.Cycler> cyclers = new ArrayList<>();
        for (int i = 0; i < clients; i++) cyclers.add(factory.client(i));
        AtomicLong errors = new AtomicLong();
        return run(clients, timing, cpu, errors, (i, window) -> {
            Systems.Cycler c = cyclers.get(i);
            String key = keyPrefix + "/c" + i + "/terraform.tfstate";
            while (!window.stopped()) {
                long start = System.nanoTime();
                try {
                    c.cycle(key);
                } catch (Exception e) {
                    if (window.measuring(start)) errors.incrementAndGet();
                    continue;
                }
                long end = System.nanoTime();
                allCycles.incrementAndGet();
                if (window.measuring(start) && window.inside(end)) latency.record(end - start);
            }
        });
    }

    /** Fairness and hand-off figures of the contention scenario. */
    static final class Handoffs {
        final Latency latency = new Latency();
        final AtomicLong inOrder = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        /** Every grant, warm-up included (to divide store calls by). */
        final AtomicLong grants = new AtomicLong();
        // Guarded by this object: the time the last holder sent its release (0 before the first).
        long releaseSentNanos;

        double inOrderShare() {
            long all = inOrder.get() + outOfOrder.get();
            return all == 0 ? Double.NaN : (double) inOrder.get() / all;
        }
    }

    /**
     * W waiters plus the holder on one key; every holder releases as soon as it is granted and
     * queues again. Hand-off = holder's release sent to the next holder's grant received (this
     * includes the release's own round trip: it is never less than release-acknowledged → grant).
     * Fairness: was the grant given to the earliest request still waiting (by send order)?
     */
    static Window contention(
            Systems.WaiterFactory factory,
            int waiters,
            String key,
            Timing timing,
            Supplier<Cpu.Snapshot> cpu,
            Handoffs handoffs)
            throws Exception {
        int clients = waiters + 1;
        List<Systems.Waiter> ws = new ArrayList<>();
        for (int i = 0; i < clients; i++) ws.add(factory.client(i));
        AtomicLong arrivals = new AtomicLong();
        ConcurrentSkipListSet<Long> pending = new ConcurrentSkipListSet<>();
        AtomicLong errors = new AtomicLong();
        return run(clients, timing, cpu, errors, (i, window) -> {
            Systems.Waiter w = ws.get(i);
            // Staggered first requests, so the first queue order is the send order (a simultaneous burst
            // would reach the server in any order, and that order would then repeat every round).
            Thread.sleep(10L * i);
            while (!window.stopped()) {
                long seq;
                Object handle;
                synchronized (pending) {
                    seq = arrivals.incrementAndGet();
                    pending.add(seq);
                }
                try {
                    handle = w.lock(key);
                } catch (Exception e) {
                    pending.remove(seq);
                    if (!window.stopped()) errors.incrementAndGet();
                    continue;
                }
                long granted = System.nanoTime();
                handoffs.grants.incrementAndGet();
                synchronized (handoffs) {
                    boolean first = pending.first() == seq;
                    pending.remove(seq);
                    if (handoffs.releaseSentNanos != 0
                            && window.measuring(handoffs.releaseSentNanos)
                            && window.inside(granted)) {
                        handoffs.latency.record(granted - handoffs.releaseSentNanos);
                        (first ? handoffs.inOrder : handoffs.outOfOrder).incrementAndGet();
                    }
                    handoffs.releaseSentNanos = System.nanoTime();
                }
                try {
                    w.unlock(handle);
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }
        });
    }

    interface Body {
        void run(int index, Phase window) throws Exception;
    }

    /** The warm-up / measure / stop phases, by wall-clock nanos. */
    static final class Phase {
        final long measureFrom;
        final long measureTo;
        volatile boolean stop;

        Phase(long measureFrom, long measureTo) {
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
        }

        boolean measuring(long t) {
            return t >= measureFrom && t < measureTo;
        }

        boolean inside(long t) {
            return t < measureTo;
        }

        boolean stopped() {
            return stop || System.nanoTime() >= measureTo;
        }
    }

    static Window run(int threads, Timing timing, Supplier<Cpu.Snapshot> cpu, AtomicLong errors, Body body)
            throws Exception {
        long start = System.nanoTime() + 50_000_000L;
        long from = start + (long) (timing.warmupSeconds() * 1e9);
        long to = from + (long) (timing.measureSeconds() * 1e9);
        Phase phase = new Phase(from, to);
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> list = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread t = new Thread(
                    () -> {
                        try {
                            body.run(index, phase);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        } finally {
                            done.countDown();
                        }
                    },
                    "bench-" + i);
            t.setDaemon(true);
            list.add(t);
            t.start();
        }
        sleepUntil(from);
        Cpu.Snapshot before = cpu.get();
        sleepUntil(to);
        Cpu.Snapshot after = cpu.get();
        phase.stop = true;
        done.await();
        return new Window(timing.measureSeconds(), after.since(before), errors.get());
    }

    static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000), 0);
        }
    }
}
