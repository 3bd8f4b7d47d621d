package io.statelock.security;

import io.statelock.lock.LockException;

/** The caller's roles do not allow this operation on this key. Names both, never the policy. */
public final class PermissionDeniedException extends LockException {
    public PermissionDeniedException(String message) {
        super(message);
    }
}
