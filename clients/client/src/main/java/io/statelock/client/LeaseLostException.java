package io.statelock.client;

/**
 * The lease is lost: the service answered {@code FAILED_PRECONDITION} (with a {@code LeaseLost}
 * detail), or the client's own monotonic clock says the lease has run out because no renewal
 * succeeded in time. A lost lease never comes back; acquire a new one.
 */
public final class LeaseLostException extends StatelockException {
    private static final long serialVersionUID = 1L;

    private final transient LockState current;

    public LeaseLostException(String code, String message, LockState current, Throwable cause) {
        super(code, message, cause);
        this.current = current;
    }

    /**
     * The key's current state as the service reported it with the loss (e.g. the new holder), or
     * {@code null} when the loss was detected by the client's clock or the service sent no detail.
     */
    public LockState current() {
        return current;
    }
}
