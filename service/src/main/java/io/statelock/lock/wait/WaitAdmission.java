package io.statelock.lock.wait;

import io.statelock.common.TooManyWaitersException;
import io.statelock.lock.AcquireCommand;
import io.statelock.lock.AcquireTries;
import io.statelock.lock.Lease;
import io.statelock.lock.LockSettings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many acquires may wait on this replica ({@code statelock.wait.max-waiters}). A full replica still
 * grants a free key; it only refuses to queue.
 */
final class WaitAdmission {
    private final AcquireTries attempts;
    private final LockSettings settings;
    private final AtomicInteger waiting = new AtomicInteger();
    // Callers in their first try: counted in waiting (for the limit) but not yet waiting in the gauge's sense.
    private final AtomicInteger firstTries = new AtomicInteger();

    WaitAdmission(AcquireTries attempts, LockSettings settings) {
        this.attempts = attempts;
        this.settings = settings;
    }

    /** Callers waiting for a key on this replica (not counting those still in their first try). */
    int waiting() {
        return Math.max(0, waiting.get() - firstTries.get());
    }

    /** True when the caller may queue: it is then counted until {@link #left}. */
    boolean admit() {
        if (waiting.incrementAndGet() > settings.maxWaiters()) {
            waiting.decrementAndGet();
            return false;
        }
        return true;
    }

    /** An admitted caller left its queue (granted, failed, timed out or cancelled). */
    void left() {
        waiting.decrementAndGet();
    }

    void firstTryStarted() {
        firstTries.incrementAndGet();
    }

    void firstTryEnded() {
        firstTries.decrementAndGet();
    }

    /** For a caller that was not admitted: one try, and TooManyWaiters when the key is held. */
    CompletableFuture<Lease> tryOnceOrRefuse(AcquireCommand command) {
        if (attempts.tryOnce(command) instanceof AcquireTries.Outcome.Won won)
            return CompletableFuture.completedFuture(won.lease());
        throw new TooManyWaitersException("this replica already has " + settings.maxWaiters()
                + " waiting acquires (statelock.wait.max-waiters); retry later with backoff");
    }
}
