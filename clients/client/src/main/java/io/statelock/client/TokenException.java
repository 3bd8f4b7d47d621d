package io.statelock.client;

/** No bearer token could be obtained (its message never contains a token). */
public final class TokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenException(String message) {
        super(message);
    }

    public TokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
