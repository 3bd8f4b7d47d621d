package io.statelock.lock.wait;

import io.statelock.lock.Lease;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockSettings;
import io.statelock.lock.Scheduler;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * When a key's poller tries the store next (docs/design.md#invariant-5): at once after a release on this replica, when
 * the holder's lease becomes takeable ({@code expiresAt + maxClockSkew}), otherwise after one poll interval
 * with jitter. At most one poll is scheduled per key.
 */
final class PollSchedule {
    private final Scheduler scheduler;
    private final Clock clock;
    private final LockSettings settings;
    private final Consumer<KeyQueue> poll;

    PollSchedule(Scheduler scheduler, Clock clock, LockSettings settings, Consumer<KeyQueue> poll) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.settings = settings;
        this.poll = poll;
    }

    /** A poll on another thread, now. */
    void now(KeyQueue queue) {
        scheduler.execute(() -> poll.accept(queue));
    }

    /** When the holder's lease becomes takeable on this replica's clock; 0 when unknown. */
    long takeableAt(LockRecord holder) {
        if (holder == null) return 0;
        // A free key seen by a failed write is a race with another writer: look again almost at once.
        return holder.hasLease() ? holder.takeableFromMs(settings.maxClockSkew().toMillis()) : clock.millis() + 5;
    }

    /** When a lease just granted here becomes takeable: the earliest time the next waiter can get the key. */
    long takeableAt(Lease granted) {
        return granted.expiresAtMs() + settings.maxClockSkew().toMillis() + 1;
    }

    /** Next try: when the holder's lease becomes takeable, or after one jittered poll interval. */
    void next(KeyQueue queue, long takeableAtMs) {
        long interval = settings.pollInterval().toMillis();
        // Jitter of +-20% keeps replicas that wait on the same key from polling in lockstep.
        long delay = (long) (interval * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        if (takeableAtMs > 0) {
            delay = Math.min(delay, Math.max(0, takeableAtMs - clock.millis()));
        }
        long wait = delay;
        queue.replaceNextPoll(() -> scheduler.schedule(() -> poll.accept(queue), wait));
    }
}
