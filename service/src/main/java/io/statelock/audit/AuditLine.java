package io.statelock.audit;

import java.time.Instant;

/** The structured log line of an audit record, on category {@code statelock.audit}. Never a lease id or token. */
final class AuditLine {
    // java.lang.System.Logger: the domain imports nothing outside java.*; Quarkus routes it to its log. The
    // line goes in as a parameter of "{0}", never as a pattern: keys may hold quotes and braces.
    private static final System.Logger AUDIT = System.getLogger("statelock.audit");

    private AuditLine() {}

    static void log(AuditEntry e) {
        AUDIT.log(
                System.Logger.Level.INFO,
                "{0}",
                String.format(
                        "audit at=%s id=%s action=%s key=%s subject=%s outcome=%s previous_owner=%s previous_fence=%d fence=%d"
                                + " reason=%s peer=%s claims=%s",
                        Instant.ofEpochMilli(e.atMs()),
                        e.id(),
                        e.action(),
                        quote(e.key()),
                        quote(e.subject()),
                        e.outcome(),
                        quote(e.previousOwner()),
                        e.previousFencingToken(),
                        e.fencingToken(),
                        quote(e.reason()),
                        quote(e.peer()),
                        claims(e)));
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
