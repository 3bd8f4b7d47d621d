package io.statelock.audit;

import java.time.Instant;

/** The structured log line of an audit record, on category {@code statelock.audit}. Never a lease id or token. */
final class AuditLine {
    // java.lang.System.Logger: the domain imports nothing outside java.*; Quarkus routes it to its log. The
    // line goes in as a parameter of "{0}", never as a pattern: keys may hold quotes and braces.
    private static final System.Logger AUDIT = System.getLogger("statelock.audit");

    private AuditLine() {}

    static void log(AuditEntry e) {
        AUDIT.log(System.Logger.Level.INFO, "{0}", line(e));
    }

    /** Built by hand, not with String.format: one line per lock write, and the format was a tenth of its cost. */
    static String line(AuditEntry e) {
        return new StringBuilder(256)
                .append("audit at=")
                .append(Instant.ofEpochMilli(e.atMs()))
                .append(" id=")
                .append(e.id())
                .append(" action=")
                .append(e.action())
                .append(" key=")
                .append(quote(e.key()))
                .append(" subject=")
                .append(quote(e.subject()))
                .append(" outcome=")
                .append(e.outcome())
                .append(" previous_owner=")
                .append(quote(e.previousOwner()))
                .append(" previous_fence=")
                .append(e.previousFencingToken())
                .append(" fence=")
                .append(e.fencingToken())
                .append(" reason=")
                .append(quote(e.reason()))
                .append(" peer=")
                .append(quote(e.peer()))
                .append(" claims=")
                .append(claims(e))
                .toString();
    }

    private static String claims(AuditEntry e) {
        StringBuilder b = new StringBuilder("{");
        e.claims()
                .forEach((k, v) -> b.append(b.length() > 1 ? "," : "")
                        .append(k)
                        .append('=')
                        .append(quote(v)));
        return b.append('}').toString();
    }

    /** Quoted and escaped, so a value cannot forge another field or line. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> {
                    // Other control characters are shown as escapes, never written raw.
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
