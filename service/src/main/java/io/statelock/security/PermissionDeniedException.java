package io.statelock.security;

import io.statelock.common.StatelockException;

/** The caller's roles do not allow this operation on this key. Names both, never the policy. */
public final class PermissionDeniedException extends StatelockException {
    public PermissionDeniedException(String message) {
        super(Kind.PERMISSION_DENIED, message);
    }
}
