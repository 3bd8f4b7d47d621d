package io.statelock.security;

/** The port through which a bearer token becomes a caller (implemented by the JWT adapter). */
public interface BearerTokens {
    /** The caller the token names; throws {@link UnauthenticatedException} for a token that is refused. */
    Caller verify(String token);
}
