package io.statelock.audit;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One audit record: who (subject and the relevant token claims, never the token), did what
 * ({@code action}) to which key, with what outcome, the holder and fence before and the fence after,
 * why, when and from where. Never carries a lease id or a token.
 *
 * @param atMs epoch milliseconds on the service clock
 * @param id random id; with {@code atMs} it orders and identifies the record
 * @param key the lock key, or "" when a denied call named none
 */
public record AuditEntry(
        long atMs,
        String id,
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
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        key = nz(key);
        subject = nz(subject);
        // Sorted, so the log line and stored form are stable.
        claims = claims == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(claims));
        outcome = nz(outcome);
        previousOwner = nz(previousOwner);
        reason = nz(reason);
        peer = nz(peer);
    }

    /**
     * What a caller must administer to read records of {@code key} (or, for a query, under that prefix): the key
     * itself; a record without a key (a denied call that named none) only admins of everything may read.
     */
    public static String scopeOf(String key) {
        return key.isEmpty() ? "**" : key;
    }

    /** The key's first segment (the DynamoDB partition of the audit table); "-" for an empty key. */
    public String segment() {
        return segmentOf(key);
    }

    public static String segmentOf(String key) {
        if (key.isEmpty()) return "-";
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(0, slash);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
