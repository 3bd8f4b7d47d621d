package io.statelock.lock.wait;

import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.Lease;
import java.util.function.Consumer;

/**
 * What a store failure means for waiting callers: a failed try on behalf of the head waiter, and a failed
 * release of a grant whose caller went away. The poller itself never fails because of the store.
 */
final class StoreErrorPolicy {
    /** What the poller does after a try for the head waiter threw. */
    enum AfterFailedTry {
        /** The caller's own first try: it gets the error, as an acquire that does not wait would; the rest keep polling. */
        THROW_TO_CALLER,
        /** Not a RuntimeException (an Error): it propagates, nothing is rescheduled. */
        PROPAGATE,
        /** Keep waiting through a store hiccup; the waiter's own timeout still applies. */
        KEEP_WAITING,
        /** Any other failure is the head waiter's answer; the next waiter is tried. */
        FAIL_HEAD
    }

    // The category operators know from before waiting had a package of its own.
    private static final System.Logger LOG = System.getLogger("io.statelock.lock.WaitQueues");
    private final Consumer<Lease> undeliverable;

    /** {@code undeliverable} releases the lease of a waiter that left as it was granted. */
    StoreErrorPolicy(Consumer<Lease> undeliverable) {
        this.undeliverable = undeliverable;
    }

    static AfterFailedTry afterFailedTry(Throwable error, boolean callersOwnTry) {
        if (callersOwnTry) return AfterFailedTry.THROW_TO_CALLER; // the waiters behind it keep polling
        if (!(error instanceof RuntimeException)) return AfterFailedTry.PROPAGATE; // an Error is not the store's
        // Keep waiting through a store hiccup; the waiter's own timeout still applies.
        if (error instanceof StoreUnavailableException) return AfterFailedTry.KEEP_WAITING;
        return AfterFailedTry.FAIL_HEAD;
    }

    /** True when the lease of a vanished waiter was released; a store failure is logged, never thrown at the poller. */
    boolean releaseUndeliverable(Lease lease) {
        try {
            undeliverable.accept(lease);
            return true;
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "could not release the lease of a waiter that left as it was granted on " + lease.key()
                            + "; it expires by itself: " + e);
            return false;
        }
    }
}
