package io.statelock.state;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import java.util.Objects;
import java.util.regex.Pattern;

/** A fenced state write: who claims to hold the key, and the digest the client computed (optional). */
public record PutCommand(LockKey key, String leaseId, long fencingToken, String sha256) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public PutCommand {
        Objects.requireNonNull(key, "key");
        sha256 = sha256 == null ? "" : sha256.toLowerCase(java.util.Locale.ROOT);
        if (leaseId == null || leaseId.isEmpty()) throw InvalidArgumentException.of("lease_id", "must not be empty");
        // Zero is "not set"; any other token (uint64 ones above 2^63 arrive negative) is judged by the fence check.
        if (fencingToken == 0)
            throw InvalidArgumentException.of("fencing_token", "must be set to the lease's fencing token");
        if (!sha256.isEmpty() && !HEX64.matcher(sha256).matches()) {
            throw InvalidArgumentException.of("sha256", "must be 64 hex characters (SHA-256) or empty");
        }
    }
}
