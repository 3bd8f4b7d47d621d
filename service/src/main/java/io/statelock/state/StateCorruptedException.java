package io.statelock.state;

import io.statelock.lock.LockException;

/** Stored bytes fail their recorded digest (or are missing): never served. */
public final class StateCorruptedException extends LockException {
    public StateCorruptedException(String message) {
        super(message);
    }
}
