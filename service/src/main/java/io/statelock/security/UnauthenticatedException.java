package io.statelock.security;

import io.statelock.lock.LockException;

/** No token, or a token that fails verification (signature, issuer, audience, time). */
public final class UnauthenticatedException extends LockException {
    public UnauthenticatedException(String message) {
        super(message);
    }
}
