package io.statelock.lock;

import io.statelock.common.StatelockException;

/** The lease is lost, unknown, or the fencing token is not the current one. Do not retry blindly. */
public final class LeaseLostException extends StatelockException {
    private final LockStatus current;

    public LeaseLostException(String message, LockStatus current) {
        super(Kind.LEASE_LOST, message);
        this.current = current;
    }

    /** What the key looks like now (held by someone else, or free). */
    public LockStatus current() {
        return current;
    }
}
