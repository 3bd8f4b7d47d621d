package io.statelock.lock;

import io.statelock.common.LockKey;

/**
 * What anyone may see of a key: holder, why, token and times. Never the lease id itself; only a
 * short hash of it ({@code leaseIdHint}) for humans to tell leases apart.
 */
public record LockStatus(
        LockKey key,
        boolean held,
        String owner,
        LockInfo info,
        long fencingToken,
        long acquiredAtMs,
        long expiresAtMs,
        String leaseIdHint) {

    /** The view of a record at {@code nowMs}: an expired lease is shown as not held. */
    public static LockStatus of(LockRecord record, FencingTokens fences, long nowMs) {
        if (!record.liveAt(nowMs)) {
            return new LockStatus(
                    record.key(), false, "", LockInfo.EMPTY, fences.token(record.fenceCounter()), 0, 0, "");
        }
        return new LockStatus(
                record.key(),
                true,
                record.owner(),
                record.info(),
                fences.token(record.fenceCounter()),
                record.acquiredAtMs(),
                record.expiresAtMs(),
                LeaseIds.hint(record.leaseId()));
    }

    /** The holder as recorded, whether or not its lease has run out (for LockHeld and EXPIRED). */
    public static LockStatus holderOf(LockRecord record, FencingTokens fences) {
        if (!record.hasLease()) {
            return of(record, fences, Long.MAX_VALUE);
        }
        return new LockStatus(
                record.key(),
                true,
                record.owner(),
                record.info(),
                fences.token(record.fenceCounter()),
                record.acquiredAtMs(),
                record.expiresAtMs(),
                LeaseIds.hint(record.leaseId()));
    }
}
