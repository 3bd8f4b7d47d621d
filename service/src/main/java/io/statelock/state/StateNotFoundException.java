package io.statelock.state;

import io.statelock.lock.LockException;

/** No state for the key, or no such version. */
public final class StateNotFoundException extends LockException {
    public StateNotFoundException(String message) {
        super(message);
    }
}
