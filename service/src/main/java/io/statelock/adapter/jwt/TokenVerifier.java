package io.statelock.adapter.jwt;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.statelock.security.BearerTokens;
import io.statelock.security.Caller;
import io.statelock.security.UnauthenticatedException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies bearer tokens with SmallRye JWT: signature against the PEM key or JWKS URL, issuer,
 * audience, expiry and not-before with a small leeway. A second, lenient parser differs only in
 * accepting expired tokens, so "valid but expired" can be told from "invalid". A refusal says why in
 * {@link TokenRejection}'s fixed words, never with any part of the token.
 */
public final class TokenVerifier implements BearerTokens {
    /** How long past its expiry a token still identifies the holder of a lease it took while valid. */
    static final int EXPIRED_GRACE_SECONDS = 30 * 24 * 3600;

    private final DefaultJWTParser strict;
    private final DefaultJWTParser lenient;
    private final int leewaySeconds;
    private final TokenRejection rejection;

    public TokenVerifier(String publicKeyLocation, String issuer, Set<String> audiences, int leewaySeconds) {
        this.leewaySeconds = leewaySeconds;
        this.rejection = new TokenRejection(issuer, audiences);
        this.strict = new DefaultJWTParser(context(publicKeyLocation, issuer, audiences, leewaySeconds, leewaySeconds));
        this.lenient = new DefaultJWTParser(
                context(publicKeyLocation, issuer, audiences, leewaySeconds, EXPIRED_GRACE_SECONDS));
    }

    private static JWTAuthContextInfo context(
            String location, String issuer, Set<String> audiences, int leeway, int expGrace) {
        JWTAuthContextInfo info = new JWTAuthContextInfo(location, issuer);
        if (audiences != null && !audiences.isEmpty()) info.setExpectedAudience(audiences);
        info.setClockSkew(leeway);
        info.setExpGracePeriodSecs(expGrace);
        return info;
    }

    @Override
    public Caller verify(String token) {
        if (token == null || token.isBlank()) throw new UnauthenticatedException("missing bearer token");
        try {
            return caller(strict.parse(token), false);
        } catch (ParseException strictFailure) {
            JsonWebToken lenientToken;
            try {
                lenientToken = lenient.parse(token);
            } catch (ParseException e) {
                throw new UnauthenticatedException("invalid token: " + rejection.reason(strictFailure, token));
            }
            // The lenient parser's grace also relaxes not-before: accept only a token whose one fault is expiry.
            long now = System.currentTimeMillis() / 1000;
            Long nbf = lenientToken.getClaim("nbf") instanceof Number n ? n.longValue() : null;
            // Past exp at all (not exp + leeway): the strict parser already refuses from exp + leeway on,
            // and the two must not leave a second in which a lease holder's token is neither.
            boolean expired = lenientToken.getExpirationTime() <= now;
            boolean early =
                    (nbf != null && nbf > now + leewaySeconds) || lenientToken.getIssuedAtTime() > now + leewaySeconds;
            if (!expired || early)
                throw new UnauthenticatedException("invalid token: " + rejection.reason(strictFailure, token));
            return caller(lenientToken, true);
        }
    }

    private static Caller caller(JsonWebToken jwt, boolean expired) {
        String subject = jwt.getSubject();
        if (subject == null || subject.isEmpty())
            throw new UnauthenticatedException("invalid token: no subject (sub claim)");
        Map<String, Object> claims = new HashMap<>();
        for (String name : jwt.getClaimNames()) {
            Object value = jwt.getClaim(name);
            if (value instanceof jakarta.json.JsonString s) value = s.getString();
            else if (value instanceof jakarta.json.JsonArray a)
                value = a.stream()
                        .map(v -> v instanceof jakarta.json.JsonString s ? s.getString() : v.toString())
                        .toList();
            else if (value instanceof jakarta.json.JsonValue v) value = v.toString();
            if (value != null && !"raw_token".equals(name)) claims.put(name, value);
        }
        return new Caller(subject, claims, jwt.getExpirationTime() * 1000, expired, false);
    }
}
