package io.statelock.store;

import io.statelock.lock.LockKey;
import io.statelock.lock.LockRecord;
import java.util.Optional;

/**
 * Port to the store of lock records (one item per key). Every state transition is exactly one
 * conditional write (DESIGN.md invariant 5); a failed condition comes back as a domain result,
 * never as a store exception. Store outages surface as
 * {@link io.statelock.lock.StoreUnavailableException}.
 */
public interface LockTable {

    /**
     * Takes the key if it has no lease or its lease expired before {@code takeoverBeforeMs}
     * ({@code now - maxClockSkew}), adding one to the fence counter, in one conditional write.
     */
    AcquireResult acquire(NewLease lease, long takeoverBeforeMs);

    /**
     * Extends the lease to {@code nowMs + ttl} if it is still this lease and not expired at
     * {@code nowMs}. {@code ttlMs == 0} keeps the lease's current ttl.
     */
    HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs);

    /**
     * Removes the lease if it is still {@code leaseId}; the fence counter stays.
     * Returns the record as it was before, or empty when that lease was not there.
     */
    Optional<LockRecord> release(LockKey key, String leaseId);

    /**
     * Removes whatever lease the key has; with {@code expectedCounter != 0} only while the
     * fence counter is still that one.
     */
    ForceReleaseResult forceRelease(LockKey key, long expectedCounter);

    /** A strongly consistent read; empty when the key was never acquired. */
    Optional<LockRecord> get(LockKey key);

    /**
     * Records whose key starts with {@code prefix}, in key order, at most {@code limit};
     * {@code pageToken} is the opaque token of the previous page or empty.
     */
    RecordPage list(String prefix, int limit, String pageToken);

    /** Throws {@link io.statelock.lock.StoreUnavailableException} with the reason when the store is not usable. */
    void checkReady();
}
