package io.statelock.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A lease as granted or renewed by one call (for callers that manage leases across processes,
 * like the CLI's {@code acquire}/{@code heartbeat}). {@code expiresAt} is the service's clock,
 * informational only. {@code terraformLockId}: for a Terraform S3 state, the ID of Terraform's own lock the
 * service holds for this lease (a Terraform run under it must use {@code -lock=false}); else empty.
 */
public record LeaseGrant(
        String key, String leaseId, long fencingToken, Instant expiresAt, Duration ttl, String terraformLockId)
        implements LeaseRef {

    public LeaseGrant {
        terraformLockId = terraformLockId == null ? "" : terraformLockId;
    }

    /** A grant on a key that is no Terraform S3 state (no Terraform lock held for it). */
    public LeaseGrant(String key, String leaseId, long fencingToken, Instant expiresAt, Duration ttl) {
        this(key, leaseId, fencingToken, expiresAt, ttl, "");
    }

    /** The granted ttl, or {@code requested} (else the service's 30 s default) when the service named none. */
    Duration ttlOr(Duration requested) {
        if (ttl != null && !ttl.isZero() && !ttl.isNegative()) {
            return ttl;
        }
        return requested != null ? requested : Duration.ofSeconds(30);
    }
}
