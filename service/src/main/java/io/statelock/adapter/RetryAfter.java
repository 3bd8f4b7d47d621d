package io.statelock.adapter;

import io.statelock.lock.ShuttingDownException;
import io.statelock.lock.StoreUnavailableException;
import io.statelock.lock.TooManyWaitersException;
import io.statelock.state.InsufficientStorageException;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a caller should wait before retrying a call this replica could not serve now: the same hint over
 * gRPC ({@code google.rpc.RetryInfo}) and HTTP ({@code Retry-After}). Empty for refusals a retry cannot fix.
 */
public final class RetryAfter {
    /** The store failed or the replica is stopping: another try (or replica) a second later may well work. */
    static final Duration STORE = Duration.ofSeconds(1);
    /** Waiters and watch streams leave as their waits and streams end: a few poll intervals. */
    static final Duration FULL = Duration.ofSeconds(5);
    /** Disk space comes back when uploads in flight finish, retention runs (every 10 min) or an operator acts. */
    static final Duration DISK = Duration.ofSeconds(60);

    private RetryAfter() {
    }

    public static Optional<Duration> of(Throwable e) {
        if (e instanceof StoreUnavailableException || e instanceof ShuttingDownException) return Optional.of(STORE);
        if (e instanceof TooManyWaitersException) return Optional.of(FULL);
        if (e instanceof InsufficientStorageException) return Optional.of(DISK);
        return Optional.empty();
    }
}
