package io.statelock.security;

import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockRecord;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The one gate every API passes: who is calling (bearer token) and whether they may do this on
 * this key (policy). With {@code statelock.auth.mode=none} everyone is an anonymous admin.
 */
public class AccessGuard {
    private final boolean enabled;
    private final BearerTokens verifier;
    private final AccessPolicy policy;
    private final long leewayMs;

    private AccessGuard(BearerTokens verifier, AccessPolicy policy, Duration leeway) {
        this.enabled = verifier != null;
        this.verifier = verifier;
        this.policy = policy;
        this.leewayMs = leeway.toMillis();
    }

    /** {@code statelock.auth.mode=none}: everyone is an anonymous admin. */
    public static AccessGuard off(Duration leeway) {
        return new AccessGuard(null, null, leeway);
    }

    /** {@code statelock.auth.mode=jwt}: bearer tokens through {@code verifier}, roles from {@code policy}. */
    public static AccessGuard jwt(BearerTokens verifier, AccessPolicy policy, Duration leeway) {
        return new AccessGuard(Objects.requireNonNull(verifier), Objects.requireNonNull(policy), leeway);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The caller behind an {@code Authorization} value {@code Bearer <jwt>}. Throws when missing or
     * invalid. (The Terraform http backend reads its Basic credentials itself and passes the token on.)
     */
    public Caller authenticate(String authorization) {
        if (!enabled) return Caller.ANONYMOUS;
        if (authorization == null || authorization.isBlank()) {
            throw new UnauthenticatedException("missing credentials: send 'authorization: Bearer <token>'");
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7))
            return verifier.verify(value.substring(7).trim());
        throw new UnauthenticatedException("unsupported authorization scheme: use Bearer");
    }

    /** Allows {@code operation} on {@code key} or throws; an expired token passes only under a lease. */
    public void require(Caller caller, Operation operation, String key) {
        if (caller.anonymous()) return;
        requireUnexpired(caller, operation);
        Role role = policy.roleOn(caller, key).orElse(null);
        if (role == null || !role.covers(operation.needs())) {
            throw new PermissionDeniedException(operation.label() + " on " + key + " is not allowed for " + caller);
        }
    }

    /**
     * Allows {@code operation} (List, Watch) on every key under {@code prefix} or throws: the caller's roles must
     * cover the whole prefix (an empty prefix: every key), with an unexpired token. A prefix the caller covers
     * only in part is refused, not filtered: its listing would still read (and its page tokens name) keys the
     * caller may not read.
     */
    public void requirePrefix(Caller caller, Operation operation, String prefix) {
        if (caller.anonymous()) return;
        requireUnexpired(caller, operation);
        if (!policy.coversPrefix(caller, prefix, operation.needs())) {
            String what = prefix.isEmpty() ? "every key (empty prefix)" : "prefix " + prefix;
            throw new PermissionDeniedException(operation.label() + " of " + what + " is not allowed for " + caller
                    + ": it needs a " + operation.needs().name().toLowerCase(Locale.ROOT)
                    + " role on every key under the prefix; ask for a narrower prefix that your roles cover");
        }
    }

    /**
     * Until when the caller's credentials are good (epoch ms): from then on a new call with them is refused,
     * so a stream opened with them (Watch) ends then. {@link Long#MAX_VALUE} with authentication off.
     */
    public long validUntilMs(Caller caller) {
        return caller.anonymous() ? Long.MAX_VALUE : caller.tokenExpiresAtMs() + leewayMs;
    }

    private static void requireUnexpired(Caller caller, Operation operation) {
        if (caller.tokenExpired() && !operation.underLease()) {
            throw new UnauthenticatedException(
                    "token expired at " + java.time.Instant.ofEpochMilli(caller.tokenExpiresAtMs()) + "; "
                            + operation.label() + " needs a valid token");
        }
    }

    /**
     * Second factor check for calls under a lease: the lease must be the caller's own, and an expired
     * token must have been valid when the lease was taken. {@code current} is the key's record now.
     */
    public void requireLeaseOwner(Caller caller, Operation operation, String leaseId, LockRecord current) {
        if (caller.anonymous() || current == null || !leaseId.equals(current.leaseId())) return;
        if (!current.owner().equals(caller.subject())) {
            throw new PermissionDeniedException(operation.label() + " on " + current.key() + " is not allowed for "
                    + caller + ": the lease belongs to another identity");
        }
        if (caller.tokenExpired() && caller.tokenExpiresAtMs() + leewayMs < current.acquiredAtMs()) {
            throw new UnauthenticatedException("token expired before this lease was taken");
        }
    }

    /**
     * The lease owner a call under a lease must be, for the store to check in its conditional write
     * ({@link LeaseOwner}): the caller's subject and, for an expired token, a lease taken while it was valid.
     * Its refusal is {@link #requireLeaseOwner}, on the record read after a failed condition. Anyone when
     * authentication is off.
     */
    public LeaseOwner leaseOwner(Caller caller, Operation operation) {
        if (caller.anonymous()) return LeaseOwner.ANYONE;
        long acquiredBy = caller.tokenExpired() ? caller.tokenExpiresAtMs() + leewayMs : Long.MAX_VALUE;
        return new LeaseOwner(
                caller.subject(),
                acquiredBy,
                (leaseId, current) -> requireLeaseOwner(caller, operation, leaseId, current));
    }

    /** Would {@link #require} let {@code operation} on {@code key} pass? (For filtering rows, e.g. audit records.) */
    public boolean allows(Caller caller, Operation operation, String key) {
        if (caller.anonymous()) return true;
        if (caller.tokenExpired() && !operation.underLease()) return false;
        return policy.roleOn(caller, key)
                .map(role -> role.covers(operation.needs()))
                .orElse(false);
    }

    /** Under jwt the lease owner is the token's subject; the requested owner is only a display label. */
    public String ownerFor(Caller caller, String requestedOwner) {
        return caller.anonymous() ? requestedOwner : caller.subject();
    }
}
