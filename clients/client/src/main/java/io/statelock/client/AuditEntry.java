package io.statelock.client;

import java.time.Instant;
import java.util.Map;

/**
 * One audited operation or denied request, as the service recorded it. Never carries a lease id
 * or a token.
 *
 * @param at when it happened (service clock)
 * @param action e.g. {@code acquire}, {@code takeover}, {@code release}, {@code force-release}
 * @param key the lock key
 * @param subject the caller's token subject ({@code anonymous} with authentication off)
 * @param claims relevant token claims (repository, ref, environment, groups, ...)
 * @param outcome e.g. {@code granted}, {@code released}, {@code PERMISSION_DENIED}
 * @param previousOwner the holder before the operation, if any
 * @param previousFencingToken the holder's token before the operation, 0 if none
 * @param fencingToken the token after the operation, 0 if none
 * @param reason the reason given (force-release), or empty
 * @param peer the caller's address, or empty
 */
public record AuditEntry(
        Instant at,
        String action,
        String key,
        String subject,
        Map<String, String> claims,
        String outcome,
        String previousOwner,
        long previousFencingToken,
        long fencingToken,
        String reason,
        String peer) {
    public AuditEntry {
        claims = Map.copyOf(claims);
    }
}
