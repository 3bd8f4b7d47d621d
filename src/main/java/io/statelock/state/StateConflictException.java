package io.statelock.state;

import io.statelock.lock.LockException;

/**
 * The write would move Terraform state backwards (a lower serial) or replace it with another
 * lineage: a slow, retried or misdirected write. Not retryable until the state changes.
 */
public final class StateConflictException extends LockException {
    public StateConflictException(String message) {
        super(message);
    }
}
