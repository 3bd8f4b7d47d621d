package io.statelock.audit;

/**
 * Audit records whose key starts with {@code prefix} ("" = all) and whose time is in
 * {@code [sinceMs, untilMs]}, at most {@code pageSize}, after {@code pageToken} ("" = first page); oldest first,
 * or with {@code newestFirst} newest first (a token of one order is no position in the other).
 */
public record AuditQuery(
        String prefix, long sinceMs, long untilMs, int pageSize, String pageToken, boolean newestFirst) {
    public AuditQuery {
        prefix = prefix == null ? "" : prefix;
        pageToken = pageToken == null ? "" : pageToken;
    }

    public AuditQuery(String prefix, long sinceMs, long untilMs, int pageSize, String pageToken) {
        this(prefix, sinceMs, untilMs, pageSize, pageToken, false);
    }

    public boolean matches(AuditEntry e) {
        return e.key().startsWith(prefix) && e.atMs() >= sinceMs && e.atMs() <= untilMs;
    }
}
