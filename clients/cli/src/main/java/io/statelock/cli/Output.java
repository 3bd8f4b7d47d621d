package io.statelock.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.statelock.client.ForceReleaseResult;
import io.statelock.client.LeaseGrant;
import io.statelock.client.LockState;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Text and JSON renderings of what the commands print. JSON field names are snake_case. */
final class Output {
    private static final Gson GSON =
            new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Output() {}

    static void json(PrintStream out, Object value) {
        out.println(GSON.toJson(value));
    }

    static Map<String, Object> lockState(LockState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", s.key());
        m.put("held", s.held());
        m.put("owner", s.owner());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("operation", s.operation());
        info.put("who", s.who());
        info.put("version", s.version());
        info.put("path", s.path());
        info.put("info", s.info());
        info.put("labels", s.labels());
        m.put("info", info);
        m.put("fencing_token", s.fencingToken());
        m.put("acquired_at", s.acquiredAt() == null ? null : s.acquiredAt().toString());
        m.put("expires_at", s.expiresAt() == null ? null : s.expiresAt().toString());
        m.put("lease_id_hint", s.leaseIdHint());
        return m;
    }

    static Map<String, Object> lease(LeaseGrant g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", g.key());
        m.put("lease_id", g.leaseId());
        m.put("fencing_token", g.fencingToken());
        m.put("expires_at", g.expiresAt() == null ? null : g.expiresAt().toString());
        m.put("ttl_ms", g.ttl() == null ? null : g.ttl().toMillis());
        return m;
    }

    static Map<String, Object> forceRelease(String key, ForceReleaseResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("released", r.released());
        m.put("previous", r.previous() == null ? null : lockState(r.previous()));
        return m;
    }

    /**
     * Shell-friendly lines ({@code export NAME='value'}), so {@code eval "$(statelock acquire ...)"}
     * sets what {@code heartbeat}, {@code release} and the job's commands read.
     */
    static void leaseText(PrintStream out, LeaseGrant g) {
        out.println("export STATELOCK_KEY=" + shellQuote(g.key()));
        out.println("export STATELOCK_LEASE_ID=" + shellQuote(g.leaseId()));
        out.println("export STATELOCK_FENCING_TOKEN=" + g.fencingToken());
        if (g.expiresAt() != null) {
            out.println(
                    "export STATELOCK_EXPIRES_AT=" + shellQuote(g.expiresAt().toString()));
        }
        if (g.ttl() != null) {
            out.println("export STATELOCK_TTL=" + shellQuote(Durations.format(g.ttl())));
        }
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code held by ci@runner-7 (apply) for 3m12s, expires in 22s} (service times, for display). */
    static String holder(LockState s, Instant now) {
        if (s == null) {
            return "held by another lease";
        }
        if (!s.held()) {
            return "free (last fencing token " + s.fencingToken() + ")";
        }
        if (!s.terraformLockId().isEmpty()) {
            return plainRun(s, now);
        }
        StringBuilder sb = new StringBuilder("held by ").append(s.owner().isEmpty() ? "?" : s.owner());
        if (!s.operation().isEmpty()) {
            sb.append(" (").append(s.operation()).append(')');
        }
        if (s.acquiredAt() != null) {
            sb.append(" for ").append(Durations.format(nonNegative(Duration.between(s.acquiredAt(), now))));
        }
        if (s.expiresAt() != null) {
            Duration left = Duration.between(now, s.expiresAt());
            sb.append(
                    left.isNegative()
                            ? ", expired " + Durations.format(left.negated()) + " ago"
                            : ", expires in " + Durations.format(left));
        }
        return sb.toString();
    }

    /** A plain Terraform run's lock: who, what, for how long, its lock ID and where it is; it has no expiry. */
    private static String plainRun(LockState s, Instant now) {
        StringBuilder sb = new StringBuilder("held by a plain Terraform run: ")
                .append(s.who().isEmpty() ? "?" : s.who());
        if (!s.operation().isEmpty()) {
            sb.append(" (").append(s.operation()).append(')');
        }
        if (s.acquiredAt() != null) {
            sb.append(" since ")
                    .append(s.acquiredAt())
                    .append(" (")
                    .append(Durations.format(nonNegative(Duration.between(s.acquiredAt(), now))))
                    .append(')');
        }
        sb.append(", Terraform lock ID ")
                .append(s.terraformLockId())
                .append(" in the ")
                .append(s.terraformLockMechanism()
                        .replace("dynamodb-table", "DynamoDB lock table")
                        .replace(",", " and the ")
                        .replace("lockfile", "lock file"))
                .append("; no expiry");
        return sb.toString();
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    static void statusText(PrintStream out, LockState s, Instant now) {
        out.println(s.key() + ": " + holder(s, now));
        if (s.held()) {
            out.println("  fencing token: " + s.fencingToken());
            if (!s.leaseIdHint().isEmpty()) {
                out.println("  lease:         " + s.leaseIdHint());
            }
            if (s.acquiredAt() != null) {
                out.println("  acquired at:   " + s.acquiredAt());
            }
            if (s.expiresAt() != null) {
                out.println("  expires at:    " + s.expiresAt());
            }
            line(out, "operation", s.operation());
            line(out, "who", s.who());
            line(out, "version", s.version());
            line(out, "path", s.path());
            line(out, "info", s.info());
            if (!s.labels().isEmpty()) {
                out.println("  labels:        " + s.labels());
            }
        }
    }

    private static void line(PrintStream out, String name, String value) {
        if (value != null && !value.isEmpty()) {
            out.printf("  %-14s %s%n", name + ":", value);
        }
    }

    static void listText(PrintStream out, List<LockState> locks, Instant now) {
        if (locks.isEmpty()) {
            out.println("(no locks)");
            return;
        }
        int w = Math.max(3, locks.stream().mapToInt(s -> s.key().length()).max().orElse(3));
        out.printf("%-" + w + "s  %-5s  %-8s  %s%n", "KEY", "HELD", "FENCE", "HOLDER");
        for (LockState s : locks) {
            out.printf(
                    "%-" + w + "s  %-5s  %-8d  %s%n",
                    s.key(),
                    s.held() ? "yes" : "no",
                    s.fencingToken(),
                    s.held() ? holder(s, now).substring("held by ".length()) : "-");
        }
    }
}
