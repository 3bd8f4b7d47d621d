package io.statelock.common;

/** The lock store cannot be reached or is throttling; the call may be retried as is. */
public final class StoreUnavailableException extends StatelockException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(Kind.UNAVAILABLE, message, cause);
    }
}
