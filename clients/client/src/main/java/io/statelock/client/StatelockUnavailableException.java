package io.statelock.client;

/**
 * The service could not be reached or did not answer in time ({@code UNAVAILABLE} after the
 * client's retries, {@code DEADLINE_EXCEEDED}, or {@code RESOURCE_EXHAUSTED}).
 */
public final class StatelockUnavailableException extends StatelockException {
    private static final long serialVersionUID = 1L;

    public StatelockUnavailableException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }
}
