package io.statelock.cli;

import io.statelock.client.AuditEntry;
import io.statelock.client.StatelockClient;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Show the audit trail (admin): who took, released or broke which lock, and denied calls.")
final class AuditCommand implements Callable<Integer> {
    @Option(names = "--prefix", paramLabel = "P", defaultValue = "", description = "Key prefix (default: all).")
    String prefix;

    @Option(
            names = "--since",
            paramLabel = "T",
            description = "Start: an ISO instant (2026-11-27T10:00:00Z) or a duration ago (24h, 30m).")
    String since;

    @Option(names = "--until", paramLabel = "T", description = "End: an ISO instant or a duration ago (default: now).")
    String until;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N records (default 100).")
    int limit;

    @Option(names = "--json", description = "Print JSON (an array).")
    boolean json;

    @Mixin
    Connection connection;

    @Override
    public Integer call() {
        if (limit < 1) throw new UsageException("--limit must be at least 1");
        Instant from = instant("--since", since);
        Instant to = instant("--until", until);
        try (StatelockClient client = connection.connect()) {
            List<AuditEntry> entries = client.admin().audit(prefix, from, to, limit);
            if (json) {
                Output.json(
                        System.out, entries.stream().map(AuditCommand::toMap).toList());
            } else {
                entries.forEach(e -> text(System.out, e));
            }
            return ExitCodes.OK;
        }
    }

    private static Instant instant(String option, String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return Instant.now().minus(Durations.parse(value));
            } catch (RuntimeException e) {
                throw new UsageException(
                        option + " takes an ISO instant or a duration such as 24h, got '" + value + "'");
            }
        }
    }

    private static void text(PrintStream out, AuditEntry e) {
        StringBuilder line = new StringBuilder()
                .append(e.at())
                .append("  ")
                .append(e.action())
                .append(' ')
                .append(e.key())
                .append("  by ")
                .append(e.subject().isEmpty() ? "?" : e.subject())
                .append("  ")
                .append(e.outcome());
        if (e.fencingToken() != 0) line.append("  fence=").append(e.fencingToken());
        if (!e.previousOwner().isEmpty()) {
            line.append("  previous=")
                    .append(e.previousOwner())
                    .append(" (fence ")
                    .append(e.previousFencingToken())
                    .append(')');
        }
        if (!e.reason().isEmpty()) line.append("  reason=\"").append(e.reason()).append('"');
        out.println(line);
    }

    private static Map<String, Object> toMap(AuditEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.at() == null ? null : e.at().toString());
        m.put("action", e.action());
        m.put("key", e.key());
        m.put("subject", e.subject());
        m.put("claims", e.claims());
        m.put("outcome", e.outcome());
        m.put("previous_owner", e.previousOwner());
        m.put("previous_fencing_token", e.previousFencingToken());
        m.put("fencing_token", e.fencingToken());
        m.put("reason", e.reason());
        m.put("peer", e.peer());
        return m;
    }
}
