package io.statelock.lock;

/** One acquire try: the lock's one conditional write and its retry rule, as a waiter's poller makes it. */
@FunctionalInterface
public interface AcquireTries {
    /** Result of one try. */
    sealed interface Outcome {
        record Won(Lease lease) implements Outcome {}

        record Blocked(LockRecord holder) implements Outcome {}
    }

    Outcome tryOnce(AcquireCommand command);
}
