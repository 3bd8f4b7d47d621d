package io.statelock.lock;

/** A granted or renewed lease, as told to its holder (the only place the lease id appears). */
public record Lease(LockKey key, String leaseId, long fencingToken, long expiresAtMs, long ttlMs) {

    static Lease of(LockRecord record, Fences fences) {
        return new Lease(record.key(), record.leaseId(), fences.token(record.fenceCounter()),
                record.expiresAtMs(), record.ttlMs());
    }
}
