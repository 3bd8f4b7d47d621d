package io.statelock.lock;

/** Base of every domain error; the gRPC edge maps each subtype to one status code. */
public abstract class LockException extends RuntimeException {
    protected LockException(String message) {
        super(message, null, false, false);
    }

    protected LockException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
