package io.statelock.lock;

/** The replica is shutting down; retry against another replica. */
public final class ShuttingDownException extends LockException {
    public ShuttingDownException() {
        super("statelock is shutting down; retry the call");
    }
}
