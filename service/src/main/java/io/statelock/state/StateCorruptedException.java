package io.statelock.state;

import io.statelock.common.StatelockException;

/** Stored bytes fail their recorded digest (or are missing): never served. */
public final class StateCorruptedException extends StatelockException {
    public StateCorruptedException(String message) {
        super(Kind.DATA_LOSS, message);
    }
}
