package io.statelock.harness;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;

/**
 * Pause requests from the fault schedule to workers: a worker told to pause sleeps between reading the
 * state and writing it (holding a lease it no longer renews), like a GC pause or a suspended VM, and
 * says when its write after the pause is done, so the schedule can wait for it before the next fault.
 */
final class Pauses {
    /** One requested pause; {@code done} counts down once the paused worker's write has been answered. */
    record Pause(long ms, CountDownLatch done) {}

    private final ConcurrentMap<Integer, Pause> requested = new ConcurrentHashMap<>();

    Pause request(int worker, long ms) {
        Pause p = new Pause(ms, new CountDownLatch(1));
        requested.put(worker, p);
        return p;
    }

    /** The pause asked of this worker, once; null if none. */
    Pause take(int worker) {
        return requested.remove(worker);
    }
}
