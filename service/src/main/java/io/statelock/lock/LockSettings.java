package io.statelock.lock;

import java.time.Duration;

/** Tunables of the lock use cases, validated once at start-up. */
public record LockSettings(
        Duration defaultTtl,
        Duration minTtl,
        Duration maxTtl,
        Duration maxClockSkew,
        Duration pollInterval,
        int maxWaiters,
        long fenceEpoch) {
    public LockSettings {
        if (minTtl.isNegative() || minTtl.isZero())
            throw new IllegalArgumentException("statelock.lease.min-ttl must be > 0");
        if (maxTtl.compareTo(minTtl) < 0)
            throw new IllegalArgumentException("statelock.lease.max-ttl must be >= min-ttl");
        if (defaultTtl.compareTo(minTtl) < 0 || defaultTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("statelock.lease.default-ttl must lie between min-ttl and max-ttl");
        }
        if (maxClockSkew.isNegative())
            throw new IllegalArgumentException("statelock.lease.max-clock-skew must be >= 0");
        if (pollInterval.toMillis() < 10)
            throw new IllegalArgumentException("statelock.wait.poll-interval must be >= 10ms");
        if (maxWaiters < 0) throw new IllegalArgumentException("statelock.wait.max-waiters must be >= 0");
        new FencingTokens(fenceEpoch); // validates the epoch range
    }

    public static LockSettings defaults() {
        return new LockSettings(
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                10_000,
                0);
    }

    public FencingTokens fences() {
        return new FencingTokens(fenceEpoch);
    }
}
