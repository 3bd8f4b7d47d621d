package io.statelock.adapter.jwt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Why a token was refused, in a fixed vocabulary (bad signature, unknown issuer, wrong audience,
 * expired at a time, not yet valid, malformed token, unsupported algorithm, no such key id ...).
 * Never the verifying library's own message: that quotes the whole token on a bad signature, its
 * claims on most other faults, and bytes of garbage decoded as text. What goes in here reaches the
 * 401 body, the gRPC status, the audit log line and the audit store.
 */
final class TokenRejection {
    /** The JOSE signature algorithm names (RFC 7518, RFC 8037): the only header text ever repeated. */
    private static final Set<String> ALGORITHMS = Set.of(
            "none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "ES256K", "PS256",
            "PS384", "PS512", "EdDSA");

    private final String issuer;
    private final Set<String> audiences;

    /** {@code issuer} and {@code audiences} are the configured ones, which a reason may name (they are no secret). */
    TokenRejection(String issuer, Set<String> audiences) {
        this.issuer = issuer;
        this.audiences = audiences == null ? Set.of() : new TreeSet<>(audiences);
    }

    /** The reason {@code failure} refused {@code token}, as fixed phrases; nothing of the token but its times and algorithm. */
    String reason(Throwable failure, String token) {
        InvalidJwtException invalid = find(failure, InvalidJwtException.class);
        if (invalid == null) {
            // Outside jose4j's validation only the key lookup fails (a JWKS without the token's kid, or unreachable).
            return find(failure, UnresolvableKeyException.class) != null ? noSuchKey() : "token rejected";
        }
        Set<String> phrases = new LinkedHashSet<>();
        for (ErrorCodeValidator.Error detail : invalid.getErrorDetails()) {
            phrases.add(phrase(detail.getErrorCode(), failure, invalid, token));
        }
        if (phrases.isEmpty()) {
            // SmallRye's own checks (a subject under sub, upn or preferred_username) carry no jose4j code.
            JwtClaims claims = claims(invalid);
            phrases.add(claims != null && !hasSubject(claims) ? "no subject (sub claim)" : "token rejected");
        }
        return String.join(", ", phrases);
    }

    private String phrase(int code, Throwable failure, InvalidJwtException invalid, String token) {
        JwtClaims claims = claims(invalid);
        return switch (code) {
            case ErrorCodes.SIGNATURE_INVALID -> "bad signature (not signed by the configured key)";
            case ErrorCodes.SIGNATURE_MISSING -> "unsigned token";
            case ErrorCodes.ISSUER_INVALID -> "unknown issuer" + expected(issuer == null ? Set.of() : Set.of(issuer));
            case ErrorCodes.ISSUER_MISSING ->
                "no issuer (iss claim)" + expected(issuer == null ? Set.of() : Set.of(issuer));
            case ErrorCodes.AUDIENCE_INVALID -> "wrong audience" + expected(audiences);
            case ErrorCodes.AUDIENCE_MISSING -> "no audience (aud claim)" + expected(audiences);
            case ErrorCodes.EXPIRED -> "expired" + at(claims, "exp");
            case ErrorCodes.EXPIRATION_MISSING -> "no expiry (exp claim)";
            case ErrorCodes.EXPIRATION_TOO_FAR_IN_FUTURE -> "expiry too far in the future" + at(claims, "exp");
            case ErrorCodes.NOT_YET_VALID -> "not yet valid (nbf" + at(claims, "nbf") + ")";
            case ErrorCodes.ISSUED_AT_INVALID_FUTURE ->
                "not yet valid (issued in the future, iat" + at(claims, "iat") + ")";
            case ErrorCodes.ISSUED_AT_INVALID_PAST -> "issued too long ago (iat" + at(claims, "iat") + ")";
            case ErrorCodes.ISSUED_AT_MISSING -> "no issue time (iat claim)";
            case ErrorCodes.SUBJECT_MISSING, ErrorCodes.SUBJECT_INVALID -> "no subject (sub claim)";
            case ErrorCodes.JSON_INVALID, ErrorCodes.MALFORMED_CLAIM ->
                "malformed token (its claims are not valid JWT claims)";
            case ErrorCodes.MISCELLANEOUS -> miscellaneous(failure, token);
            default -> "token rejected (verification check " + code + ")";
        };
    }

    /** jose4j files unparseable tokens, refused algorithms and unresolvable keys under one code: the cause tells them apart. */
    private String miscellaneous(Throwable failure, String token) {
        if (find(failure, InvalidAlgorithmException.class) != null) {
            String alg = algorithm(token);
            return "unsupported algorithm " + (alg == null ? "(the header names no JOSE algorithm)" : alg);
        }
        if (find(failure, UnresolvableKeyException.class) != null) return noSuchKey();
        return "malformed token (not a JWT: three base64url parts, header.payload.signature)";
    }

    private static String noSuchKey() {
        return "no such key id (no key of the issuer matches the token's kid, or its keys could not be loaded)";
    }

    private static String expected(Set<String> values) {
        return values.isEmpty() ? "" : " (expected " + String.join(" or ", values) + ")";
    }

    /** " 2026-12-03T14:46:56Z" from a time claim: a time is no secret, and says how far off a clock is. */
    private static String at(JwtClaims claims, String name) {
        if (claims == null) return "";
        try {
            NumericDate date = claims.getNumericDateClaimValue(name);
            return date == null ? "" : " " + Instant.ofEpochSecond(date.getValue());
        } catch (MalformedClaimException | java.time.DateTimeException e) {
            return "";
        }
    }

    private static JwtClaims claims(InvalidJwtException invalid) {
        return invalid.getJwtContext() == null ? null : invalid.getJwtContext().getJwtClaims();
    }

    private static boolean hasSubject(JwtClaims claims) {
        for (String name : List.of("sub", "upn", "preferred_username")) {
            if (claims.getClaimValue(name) instanceof String s && !s.isEmpty()) return true;
        }
        return false;
    }

    /** The header's {@code alg}, only when it is a registered algorithm name (anything else is not repeated). */
    private static String algorithm(String token) {
        try {
            int dot = token.indexOf('.');
            if (dot <= 0) return null; // no header part to read
            String header = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            Map<String, Object> fields = JsonUtil.parseJson(header);
            return fields.get("alg") instanceof String alg && ALGORITHMS.contains(alg) ? alg : null;
        } catch (RuntimeException | org.jose4j.lang.JoseException e) {
            return null;
        }
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
        }
        return null;
    }
}
