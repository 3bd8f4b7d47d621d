package io.statelock.cli;

import io.statelock.client.AcquireOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of `run` and `acquire`: which key, for how long, who and why. */
final class AcquireOptionsMixin {
    @Option(
            names = {"-k", "--key"},
            required = true,
            paramLabel = "KEY",
            description = "Lock key, e.g. prod/network/terraform.tfstate.")
    String key;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = Durations.class,
            description = "Lease ttl; renewed every third of it (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            defaultValue = "0s",
            converter = Durations.class,
            description = "Wait up to this long for a held lock, in line (FIFO); 0 tries once "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(
            names = "--owner",
            paramLabel = "OWNER",
            defaultValue = "${env:STATELOCK_OWNER}",
            description = "Owner shown to others (env STATELOCK_OWNER; default: user@host).")
    String owner;

    @Option(
            names = "--operation",
            paramLabel = "OP",
            defaultValue = "",
            description = "What the holder does, e.g. apply.")
    String operation;

    @Option(names = "--info", paramLabel = "TEXT", defaultValue = "", description = "Free-form info for others.")
    String info;

    @Option(names = "--label", paramLabel = "NAME=VALUE", description = "Label (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(
            names = "--progress-interval",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = Durations.class,
            description = "While waiting, print who holds the lock this often (default: ${DEFAULT-VALUE}).")
    Duration progressInterval;

    /** Options with a fresh request id per acquire call (the client's own retries reuse it). */
    AcquireOptions toOptions() {
        return toOptions(null);
    }

    /** @param requestId the caller's own idempotency key across invocations, or null for none */
    AcquireOptions toOptions(String requestId) {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new UsageException("--ttl must be positive");
        }
        if (progressInterval.toMillis() < 100) {
            throw new UsageException("--progress-interval must be at least 100ms");
        }
        AcquireOptions.Builder b = AcquireOptions.builder()
                .ttl(ttl)
                .waitTimeout(wait)
                .operation(operation)
                .info(info)
                .labels(labels);
        if (owner != null && !owner.isBlank()) {
            b.owner(owner);
        }
        if (requestId != null) {
            if (requestId.isBlank()) {
                throw new UsageException("--request-id must not be blank");
            }
            b.requestId(requestId);
        }
        return b.build();
    }
}
