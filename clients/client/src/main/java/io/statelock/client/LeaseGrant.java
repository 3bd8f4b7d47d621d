package io.statelock.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A lease as granted or renewed by one call (for callers that manage leases across processes,
 * like the CLI's {@code acquire}/{@code heartbeat}). {@code expiresAt} is the service's clock,
 * informational only.
 */
public record LeaseGrant(String key, String leaseId, long fencingToken, Instant expiresAt, Duration ttl)
    implements LeaseRef {

  /** The granted ttl, or {@code requested} (else the service's 30 s default) when the service named none. */
  Duration ttlOr(Duration requested) {
    if (ttl != null && !ttl.isZero() && !ttl.isNegative()) {
      return ttl;
    }
    return requested != null ? requested : Duration.ofSeconds(30);
  }
}
