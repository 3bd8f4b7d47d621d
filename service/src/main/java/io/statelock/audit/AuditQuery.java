package io.statelock.audit;

/**
 * Audit records whose key starts with {@code prefix} ("" = all) and whose time is in
 * {@code [sinceMs, untilMs]}, at most {@code pageSize}, after {@code pageToken} ("" = first page).
 */
public record AuditQuery(String prefix, long sinceMs, long untilMs, int pageSize, String pageToken) {
    public AuditQuery {
        prefix = prefix == null ? "" : prefix;
        pageToken = pageToken == null ? "" : pageToken;
    }

    public boolean matches(AuditEntry e) {
        return e.key().startsWith(prefix) && e.atMs() >= sinceMs && e.atMs() <= untilMs;
    }
}
