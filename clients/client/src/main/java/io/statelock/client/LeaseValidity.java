package io.statelock.client;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * How long a lease is valid by the client's own monotonic clock: until (send time of the last
 * successful renewal) + (granted ttl) - (safety margin). The service's {@code expiresAt} is kept
 * for display only. Not thread-safe: {@link LeaseImpl} guards it with its lock.
 */
final class LeaseValidity {
    // The margin is a tenth of the ttl, within these bounds: enough for a GC pause or a slow
    // network on short leases, and never more than a few seconds of a long lease given away.
    private static final Duration MIN_MARGIN = Duration.ofMillis(250);
    private static final Duration MAX_MARGIN = Duration.ofSeconds(5);
    // Renewals are never closer together than this, however short the ttl.
    private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Duration configuredMargin;
    private Duration ttl;
    private Instant expiresAt;
    /** Monotonic time after which the lease counts as lost unless renewed before. */
    private long deadlineNanos;

    LeaseValidity(Duration ttl, Instant expiresAt, Duration configuredMargin, long originNanos) {
        this.configuredMargin = configuredMargin;
        this.ttl = ttl;
        this.expiresAt = expiresAt;
        this.deadlineNanos = originNanos + ttl.toNanos() - margin(ttl).toNanos();
    }

    private Duration margin(Duration ttl) {
        if (configuredMargin != null) {
            return configuredMargin;
        }
        Duration tenth = ttl.dividedBy(10);
        if (tenth.compareTo(MIN_MARGIN) < 0) {
            return MIN_MARGIN;
        }
        return tenth.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : tenth;
    }

    /** Renew at a third of the ttl: two renewals may fail before the lease runs out. */
    long renewalIntervalNanos() {
        return Math.max(MIN_INTERVAL_NANOS, ttl.toNanos() / 3);
    }

    /** A renewal sent at {@code sentNanos} succeeded with {@code grant}: the deadline moves forward, never back. */
    void renewed(long sentNanos, LeaseGrant grant) {
        if (grant.ttl() != null && !grant.ttl().isZero() && !grant.ttl().isNegative()) {
            ttl = grant.ttl();
        }
        if (grant.expiresAt() != null) {
            expiresAt = grant.expiresAt();
        }
        long candidate = sentNanos + ttl.toNanos() - margin(ttl).toNanos();
        if (candidate > deadlineNanos) {
            deadlineNanos = candidate;
        }
    }

    boolean expiredAt(long nowNanos) {
        return nowNanos >= deadlineNanos;
    }

    long remainingNanos(long nowNanos) {
        return deadlineNanos - nowNanos;
    }

    Duration ttl() {
        return ttl;
    }

    Instant expiresAt() {
        return expiresAt;
    }
}
