package io.statelock.common;

/**
 * A limit of this replica is reached: waiting callers, watch streams (for the replica or for one caller), or
 * the events one watch stream buffers for a reader that fell behind. The client retries later, with backoff.
 */
public final class TooManyWaitersException extends StatelockException {
    public TooManyWaitersException(String message) {
        super(Kind.FULL, message);
    }
}
