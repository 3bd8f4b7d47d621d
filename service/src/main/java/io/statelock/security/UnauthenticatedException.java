package io.statelock.security;

import io.statelock.common.StatelockException;

/** No token, or a token that fails verification (signature, issuer, audience, time). */
public final class UnauthenticatedException extends StatelockException {
    public UnauthenticatedException(String message) {
        super(Kind.UNAUTHENTICATED, message);
    }
}
