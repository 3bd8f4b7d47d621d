package io.statelock.lock.port;

import io.statelock.common.LockKey;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockRecord;
import java.util.Optional;

/**
 * Port to the store of lock records (one item per key). Every state transition is exactly one
 * conditional write (docs/design.md#invariant-5); a failed condition comes back as a domain result,
 * never as a store exception. Store outages surface as
 * {@link io.statelock.common.StoreUnavailableException}.
 *
 * <p>A write whose answer was lost and that the store client retried by itself must come back as the
 * first attempt's answer, never as a failed condition against its own write: each write recognises
 * itself in the record afterwards (the lease id or release id it wrote).
 */
public interface LockTable {

    /**
     * Takes the key if it has no lease or its lease expired before {@code takeoverBeforeMs}
     * ({@code now - maxClockSkew}), adding one to the fence counter, in one conditional write.
     */
    AcquireResult acquire(NewLease lease, long takeoverBeforeMs);

    /**
     * Extends the lease to {@code nowMs + ttl} if it is still this lease, not expired at {@code nowMs}
     * and {@code owner}'s, all in the one conditional write. {@code ttlMs == 0} keeps the lease's current ttl.
     */
    HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner);

    /**
     * Removes the lease if it is still {@code leaseId} and {@code owner}'s, in one conditional write;
     * the fence counter stays.
     */
    ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner);

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

    /** Throws {@link io.statelock.common.StoreUnavailableException} with the reason when the store is not usable. */
    void checkReady();
}
