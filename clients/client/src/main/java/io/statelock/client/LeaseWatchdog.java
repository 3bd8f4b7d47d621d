package io.statelock.client;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Expiry of one lease by the client's own monotonic clock: a timer set for the moment its
 * {@link LeaseValidity} runs out that declares the lease lost if no renewal moved that moment on
 * in the meantime, and sets itself again if one did. Guarded by the lease's lock: every method is
 * called holding it, and the timer takes it.
 */
final class LeaseWatchdog {
    private final Object lock;
    private final ClientCore core;
    private final String key;
    private final LeaseValidity validity;
    private final LeaseStatus status;
    private ScheduledFuture<?> timer;

    LeaseWatchdog(Object lock, ClientCore core, String key, LeaseValidity validity, LeaseStatus status) {
        this.lock = lock;
        this.core = core;
        this.key = key;
        this.validity = validity;
        this.status = status;
    }

    private long now() {
        return core.nanoClock.getAsLong();
    }

    /** Sets the timer for the moment the lease runs out as of now. */
    void arm() {
        if (timer != null) {
            timer.cancel(false);
        }
        long delay = Math.max(0, validity.remainingNanos(now()));
        timer = core.scheduler.schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void checkDeadline() {
        synchronized (lock) {
            if (!status.active()) {
                return;
            }
            if (validity.expiredAt(now())) {
                status.lost(expiredByOwnClock());
            } else {
                arm();
            }
        }
    }

    /** Why the lease counts as lost when it ran out by the client's own clock. */
    LeaseLostException expiredByOwnClock() {
        return new LeaseLostException(
                "CLIENT",
                "lease on " + key + " lost: no renewal succeeded within its ttl ("
                        + validity.ttl().toMillis() + " ms) minus a safety margin, by the client's own clock",
                null,
                null);
    }
}
