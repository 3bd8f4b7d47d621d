package io.statelock.lock;

/** This replica already carries its maximum of waiting callers (or watch streams). */
public final class TooManyWaitersException extends LockException {
    public TooManyWaitersException(String message) {
        super(message);
    }
}
