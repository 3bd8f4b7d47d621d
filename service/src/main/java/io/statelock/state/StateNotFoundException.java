package io.statelock.state;

import io.statelock.common.StatelockException;

/** No state for the key, or no such version. */
public final class StateNotFoundException extends StatelockException {
    public StateNotFoundException(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
