package io.statelock.client;

/**
 * A state write whose outcome the client never learned: the call timed out, the connection dropped,
 * or the service failed mid-call ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code CANCELLED},
 * {@code UNKNOWN}, {@code INTERNAL}). The write may or may not have been accepted. It is never
 * retried by the client: read the state (and compare digests) before deciding what to do.
 */
public final class WriteOutcomeUnknownException extends StatelockException {
    private static final long serialVersionUID = 1L;

    public WriteOutcomeUnknownException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
