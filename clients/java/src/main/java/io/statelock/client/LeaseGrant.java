package io.statelock.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A lease as granted or renewed by one call (for callers that manage leases across processes,
 * like the CLI's {@code acquire}/{@code heartbeat}). {@code expiresAt} is the service's clock,
 * informational only.
 */
public record LeaseGrant(String key, String leaseId, long fencingToken, Instant expiresAt, Duration ttl) {}
