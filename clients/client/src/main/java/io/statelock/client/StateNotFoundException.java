package io.statelock.client;

/** No state (or no such version) is stored for the key ({@code NOT_FOUND}). */
public final class StateNotFoundException extends StatelockException {
    private static final long serialVersionUID = 1L;

    public StateNotFoundException(String message, Throwable cause) {
        super("NOT_FOUND", message, cause);
    }
}
