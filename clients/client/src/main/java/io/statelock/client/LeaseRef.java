package io.statelock.client;

/**
 * What a fenced write names: the key, the lease id and its fencing token. A {@link Lease} and a
 * {@link LeaseGrant} are both one; {@link #of} makes one for a lease held by another process.
 */
public interface LeaseRef {
    /** The lock key. */
    String key();

    /** The lease id: a secret of the holder. */
    String leaseId();

    /** The lease's fencing token. */
    long fencingToken();

    /** A reference to the lease {@code leaseId} on {@code key} with {@code fencingToken}. */
    static LeaseRef of(String key, String leaseId, long fencingToken) {
        return new LeaseGrant(key, leaseId, fencingToken, null, null);
    }
}
