package io.statelock.client;

/**
 * The lock is held by another lease (after waiting, if the acquire asked to wait). The service
 * answered {@code ABORTED} with a {@code LockHeld} detail; {@link #holder()} says who holds it.
 */
public final class LockHeldException extends StatelockException {
    private static final long serialVersionUID = 1L;

    private final transient LockState holder;

    public LockHeldException(String message, LockState holder, Throwable cause) {
        super("ABORTED", message, cause);
        this.holder = holder;
    }

    /** The current holder as the service described it; {@code null} if the service sent no detail. */
    public LockState holder() {
        return holder;
    }
}
