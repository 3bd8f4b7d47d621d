package io.statelock.adapter.http;

import io.statelock.security.UnauthenticatedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a Terraform http-backend request presents in {@code Authorization}. Terraform can only send
 * Basic auth, so: user {@value #LEASE_USER} with password {@code <lease id>} or
 * {@code <lease id>:<token>} joins a wrapping {@code statelock run}'s lease; any other user name
 * with password {@code <token>} authenticates; {@code Bearer <token>} works for other HTTP clients.
 *
 * @param leaseId the presented lease id (a {@code statelock run} join), or null
 * @param token the bearer token, or null when none was sent
 */
record HttpCredentials(String leaseId, String token) {
    /** The basic-auth user name under which {@code statelock run} hands its lease to a wrapped Terraform. */
    static final String LEASE_USER = "statelock-lease";

    static final HttpCredentials NONE = new HttpCredentials(null, null);

    static HttpCredentials parse(String authorization) {
        if (authorization == null || authorization.isBlank()) return NONE;
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7))
            return new HttpCredentials(null, blankToNull(value.substring(7)));
        if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new UnauthenticatedException("unsupported authorization scheme: use Basic (Terraform) or Bearer");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new UnauthenticatedException("malformed Basic credentials: not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0)
            throw new UnauthenticatedException("malformed Basic credentials: no ':' between user and password");
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        if (!user.equals(LEASE_USER)) return new HttpCredentials(null, blankToNull(password));
        // Lease ids are base64url and tokens are JWTs: neither contains ':', so the first one splits them.
        int split = password.indexOf(':');
        String lease = split < 0 ? password : password.substring(0, split);
        String token = split < 0 ? null : password.substring(split + 1);
        return new HttpCredentials(blankToNull(lease), blankToNull(token));
    }

    /** Is {@code authorization} Basic credentials (Terraform's), whose password carried the token? */
    static boolean isBasic(String authorization) {
        return authorization != null && authorization.trim().regionMatches(true, 0, "Basic ", 0, 6);
    }

    /** The token as an {@code Authorization} value for the access guard, or null. */
    String bearer() {
        return token == null ? null : "Bearer " + token;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
