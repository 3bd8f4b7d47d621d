package io.statelock.adapter;

import io.statelock.common.StatelockException.Kind;
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

    private RetryAfter() {}

    /** The hint for a refusal of this kind; no default, so a new kind does not compile until it is decided here. */
    public static Optional<Duration> of(Kind kind) {
        return Optional.ofNullable(
                switch (kind) {
                    case UNAVAILABLE, SHUTTING_DOWN -> STORE;
                    case FULL -> FULL;
                    case INSUFFICIENT_STORAGE -> DISK;
                    // A retry of the same call cannot succeed until something else changes (or the caller fixes it).
                    case HELD,
                            LEASE_LOST,
                            CONFLICT,
                            INVALID,
                            NOT_FOUND,
                            UNAUTHENTICATED,
                            PERMISSION_DENIED,
                            TOO_LARGE,
                            DATA_LOSS -> null;
                });
    }
}
