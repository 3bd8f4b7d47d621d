package io.statelock.common;

/**
 * Base of every domain error. Its {@link Kind} says what went wrong in terms a caller can act on; each edge
 * (gRPC, HTTP) maps the kind in one exhaustive switch, so a new kind does not compile until every edge
 * answers it. Subclasses carry the data an answer needs (the holder, the current lease, the violations...).
 */
public abstract class StatelockException extends RuntimeException {
    /**
     * What went wrong. Each kind is thrown by exactly one subclass, named here: the edges rely on it to read
     * that subclass's data.
     */
    public enum Kind {
        /** The key is held by another lease: {@code lock.LockHeldException}. */
        HELD,
        /** The caller's lease is gone or its fencing token is not the current one: {@code lock.LeaseLostException}. */
        LEASE_LOST,
        /** A state write would move the state backwards or sideways: {@code state.StateConflictException}. */
        CONFLICT,
        /** Bad input, naming every offending field: {@link InvalidArgumentException}. */
        INVALID,
        /** No state for the key, or no such version: {@code state.StateNotFoundException}. */
        NOT_FOUND,
        /** No token, or one that fails verification: {@code security.UnauthenticatedException}. */
        UNAUTHENTICATED,
        /** The caller's roles do not allow the operation on the key: {@code security.PermissionDeniedException}. */
        PERMISSION_DENIED,
        /** The lock, audit or blob store failed or throttled; the call may be retried: {@link StoreUnavailableException}. */
        UNAVAILABLE,
        /** This replica is stopping; retry against another: {@link ShuttingDownException}. */
        SHUTTING_DOWN,
        /** Too many waiters or watch streams, or a watch reader fell behind; retry later: {@link TooManyWaitersException}. */
        FULL,
        /** Too little free disk for a state write; retry later: {@code state.InsufficientStorageException}. */
        INSUFFICIENT_STORAGE,
        /** A state larger than the service accepts; a retry cannot succeed: {@code state.StateTooLargeException}. */
        TOO_LARGE,
        /** Stored bytes fail their digest (or are missing), never served: {@code state.StateCorruptedException}. */
        DATA_LOSS
    }

    private final Kind kind;

    protected StatelockException(Kind kind, String message) {
        this(kind, message, null);
    }

    protected StatelockException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public final Kind kind() {
        return kind;
    }
}
