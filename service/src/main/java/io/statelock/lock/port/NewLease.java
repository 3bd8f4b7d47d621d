package io.statelock.lock.port;

import io.statelock.common.LockKey;
import io.statelock.lock.LockInfo;

/** A lease to write on acquire: times are epoch milliseconds on the service clock. */
public record NewLease(
        LockKey key, String leaseId, String owner, LockInfo info, long nowMs, long ttlMs, String requestId) {
    public long expiresAtMs() {
        return nowMs + ttlMs;
    }
}
