package io.statelock.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Who is calling: the verified token's subject and claims. {@code tokenExpired} marks a token that
 * is valid in every way but its expiry: accepted only for calls made under a live lease of the same
 * subject, so an apply outlives its short-lived CI token.
 */
public record Caller(
        String subject, Map<String, Object> claims, long tokenExpiresAtMs, boolean tokenExpired, boolean anonymous) {
    /** Authentication is off ({@code statelock.auth.mode=none}): everything is allowed. */
    public static final Caller ANONYMOUS = new Caller("anonymous", Map.of(), Long.MAX_VALUE, false, true);

    public Caller {
        claims = Map.copyOf(claims);
    }

    /** A claim's values as strings: a list claim gives each element, a scalar one value, a missing one none. */
    public List<String> claimValues(String name) {
        Object value = claims.get(name);
        if (value == null && "sub".equals(name)) value = subject;
        if (value == null) return List.of();
        if (value instanceof Collection<?> list)
            return list.stream().map(String::valueOf).toList();
        return List.of(String.valueOf(value));
    }

    /** For logs and audit lines: the subject, never the token. */
    @Override
    public String toString() {
        return anonymous ? "anonymous" : subject;
    }
}
