package io.statelock.lock;

import io.statelock.common.LockKey;
import java.util.Objects;

/**
 * One lock item as the store keeps it. {@code fenceCounter} is the raw per-key counter (only ever
 * incremented); the fencing token a client sees adds the epoch ({@link FencingTokens}). A free key has a
 * null {@code leaseId} and keeps its counter.
 */
public record LockRecord(
        LockKey key,
        long fenceCounter,
        String leaseId,
        String owner,
        LockInfo info,
        long acquiredAtMs,
        long expiresAtMs,
        long ttlMs,
        String requestId) {

    /** The expiry of a lock that has none (a plain Terraform run's): never reached, never taken over. */
    public static final long NO_EXPIRY = Long.MAX_VALUE;

    public LockRecord {
        Objects.requireNonNull(key, "key");
        info = info == null ? LockInfo.EMPTY : info;
        owner = owner == null ? "" : owner;
        requestId = requestId == null ? "" : requestId;
    }

    /** A key that was never acquired. */
    public static LockRecord absent(LockKey key) {
        return new LockRecord(key, 0, null, "", LockInfo.EMPTY, 0, 0, 0, "");
    }

    /** The same counter with the lease removed: what release leaves behind. */
    public LockRecord freed() {
        return new LockRecord(key, fenceCounter, null, "", LockInfo.EMPTY, 0, 0, 0, "");
    }

    public boolean hasLease() {
        return leaseId != null;
    }

    /** The lease can still be renewed: not expired on this clock (docs/design.md#invariant-1: expired means lost). */
    public boolean liveAt(long nowMs) {
        return hasLease() && nowMs <= expiresAtMs;
    }

    /** Another caller may take the key: free, or expired for longer than the allowed clock skew. */
    public boolean takeableAt(long nowMs, long maxSkewMs) {
        return !hasLease() || expiresAtMs < nowMs - maxSkewMs;
    }

    /** When a waiter on this replica may first succeed in taking over. */
    public long takeableFromMs(long maxSkewMs) {
        if (!hasLease()) return 0;
        return expiresAtMs >= NO_EXPIRY - maxSkewMs - 1 ? NO_EXPIRY : expiresAtMs + maxSkewMs + 1;
    }
}
