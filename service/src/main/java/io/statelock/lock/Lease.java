package io.statelock.lock;

import io.statelock.common.LockKey;

/**
 * A granted or renewed lease, as told to its holder (the only place the lease id appears).
 * {@code previousOwner} and {@code previousFencingToken} say what the grant replaced, for the audit
 * trail: the expired holder it took over from ("" when the key was free) and the token before.
 * They are "" and 0 for renewals and for an idempotent retry of an acquire.
 */
public record Lease(
        LockKey key,
        String leaseId,
        long fencingToken,
        long expiresAtMs,
        long ttlMs,
        String previousOwner,
        long previousFencingToken) {

    public Lease(LockKey key, String leaseId, long fencingToken, long expiresAtMs, long ttlMs) {
        this(key, leaseId, fencingToken, expiresAtMs, ttlMs, "", 0);
    }

    public Lease {
        previousOwner = previousOwner == null ? "" : previousOwner;
    }

    /** The grant took a key whose previous lease had expired but was never released. */
    public boolean tookOver() {
        return !previousOwner.isEmpty();
    }

    static Lease of(LockRecord record, FencingTokens fences) {
        return new Lease(
                record.key(),
                record.leaseId(),
                fences.token(record.fenceCounter()),
                record.expiresAtMs(),
                record.ttlMs());
    }

    /** A new grant of {@code record}, replacing {@code previous} (null or counter 0 for a key never acquired). */
    static Lease granted(LockRecord record, LockRecord previous, FencingTokens fences) {
        boolean hadLease = previous != null && previous.hasLease();
        long previousToken =
                previous == null || previous.fenceCounter() == 0 ? 0 : fences.token(previous.fenceCounter());
        return new Lease(
                record.key(),
                record.leaseId(),
                fences.token(record.fenceCounter()),
                record.expiresAtMs(),
                record.ttlMs(),
                hadLease ? previous.owner() : "",
                previousToken);
    }
}
