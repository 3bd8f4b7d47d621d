package io.statelock.lock.wait;

import io.statelock.lock.AcquireCommand;
import io.statelock.lock.Lease;
import io.statelock.lock.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** One waiting acquire: a future completed by the key's poller, its timeout or shutdown. It holds no thread. */
final class Waiter {
    final AcquireCommand command;
    /** When it joined, on this replica's clock: shown to people looking at the queue. */
    final long joinedAtMs;
    /** When the wait ends, on this replica's clock: no grant after it. */
    final long deadlineMs;

    final CompletableFuture<Lease> result = new CompletableFuture<>();
    final AtomicBoolean left = new AtomicBoolean();
    volatile Scheduler.Cancellable timeout;

    Waiter(AcquireCommand command, long joinedAtMs, long deadlineMs) {
        this.command = command;
        this.joinedAtMs = joinedAtMs;
        this.deadlineMs = deadlineMs;
    }
}
