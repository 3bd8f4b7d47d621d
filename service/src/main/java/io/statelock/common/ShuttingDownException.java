package io.statelock.common;

/** The replica is shutting down; retry against another replica. */
public final class ShuttingDownException extends StatelockException {
    public ShuttingDownException() {
        super(Kind.SHUTTING_DOWN, "statelock is shutting down; retry the call");
    }
}
