package io.statelock.client;

/**
 * Base of every error the statelock client throws. Unchecked: callers decide which of the
 * subclasses they can act on ({@link LockHeldException}, {@link LeaseLostException},
 * {@link StatelockUnavailableException}, {@link PermissionException},
 * {@link InvalidRequestException}).
 */
public class StatelockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code the gRPC status code name the service answered with (e.g. {@code "INTERNAL"}),
     *     or a client-side code such as {@code "CLIENT"}
     */
    public StatelockException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The gRPC status code name behind this error, e.g. {@code "ABORTED"}. */
    public String code() {
        return code;
    }
}
