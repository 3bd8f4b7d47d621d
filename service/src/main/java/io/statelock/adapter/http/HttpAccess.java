package io.statelock.adapter.http;

import io.statelock.audit.AuditTrail;
import io.statelock.common.LockKey;
import io.statelock.lock.LeaseOwner;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import io.statelock.security.Operation;
import io.statelock.security.PermissionDeniedException;
import io.statelock.security.UnauthenticatedException;
import io.statelock.state.TerraformBackend;
import io.statelock.state.TerraformLock;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Who may do what through the Terraform http backend: the same tokens, roles and two-factor lease
 * rule as gRPC. A call made under a lease (Terraform's lock ID, or a joined {@code statelock run}
 * lease) needs that lease's secret and a token of the lease's own subject, which may have expired
 * since the acquire. Denials are audited here, like the gRPC interceptor does for its calls.
 */
@ApplicationScoped
public class HttpAccess {
    @Inject
    AccessGuard guard;

    @Inject
    AuditTrail audit;

    @Inject
    TerraformBackend backend;

    /** A checked request: who is calling, from where, for what, and the lease id it presented (null if none). */
    public record Checked(Caller caller, String peer, Operation operation, String presentedLease) {}

    /**
     * Authenticates the request and allows {@code method} on {@code key} (with Terraform's lock
     * {@code id}, if the method carries one), or throws {@link UnauthenticatedException} /
     * {@link PermissionDeniedException} after auditing the denial. Call it on a worker thread:
     * verifying a token may fetch the issuer's keys (JWKS). The lease half is {@link #checkLease}.
     */
    public Checked check(HttpServerRequest req, String method, LockKey key, String id) {
        String peer = peer(req.remoteAddress());
        if (!guard.enabled()) {
            // No authentication: a malformed header is not ours to judge; only a lease join matters.
            HttpCredentials credentials = lenient(req.getHeader("Authorization"));
            return new Checked(
                    Caller.ANONYMOUS, peer, operationOf(method, id, credentials.leaseId()), credentials.leaseId());
        }
        Caller caller = null;
        Operation operation = operationOf(method, id, null);
        try {
            HttpCredentials credentials = HttpCredentials.parse(req.getHeader("Authorization"));
            if (credentials.token() == null) {
                throw new UnauthenticatedException(
                        credentials.leaseId() == null
                                ? "missing credentials: Terraform's http backend sends them as Basic auth, password = token"
                                : "a joined lease needs a token too: password '<lease id>:<token>'");
            }
            caller = authenticate(credentials, req.getHeader("Authorization"));
            operation = operationOf(method, id, credentials.leaseId());
            guard.require(caller, operation, key.value());
            if (operation == Operation.PUT_STATE && credentials.leaseId() == null && empty(id)) {
                // A write without a lock (-lock=false) takes a lease of its own: it needs a valid token, like LOCK.
                guard.require(caller, Operation.LOCK, key.value());
            }
            return new Checked(caller, peer, operation, credentials.leaseId());
        } catch (UnauthenticatedException | PermissionDeniedException e) {
            throw denied(caller, peer, operation, key, e);
        }
    }

    /**
     * The second factor of a call under a lease, for the backend to check where it finds the lease (on its
     * own read of the record and in the heartbeat or release write): the lease must be the caller's own,
     * taken while its token was valid. A refusal is audited like any denial. Anyone when auth is off.
     */
    public LeaseOwner holder(Checked checked, LockKey key) {
        LeaseOwner owner = guard.leaseOwner(checked.caller(), checked.operation());
        if (!owner.checked()) return owner;
        return new LeaseOwner(owner.owner(), owner.acquiredNoLaterThanMs(), (leaseId, current) -> {
            try {
                owner.refusal().check(leaseId, current);
            } catch (UnauthenticatedException | PermissionDeniedException e) {
                throw denied(checked.caller(), checked.peer(), checked.operation(), key, e);
            }
        });
    }

    /**
     * The write's lease checked early, on a read of its own, for a POST: before its body is taken in, so a
     * stale or made-up lock ID (or another identity's lease) is refused before a whole state is spooled to
     * disk. The backend checks it again where it renews the lease. Call it on a worker thread.
     */
    public void checkLease(Checked checked, LockKey key, String id) {
        if (empty(id) && checked.presentedLease() == null) return; // a write without a lock takes its own lease
        backend.requireWriter(key, id, checked.presentedLease(), holder(checked, key), backend.current(key));
    }

    /** The token's caller; a refused Basic password says so: Terraform users set a password, not a header. */
    private Caller authenticate(HttpCredentials credentials, String authorization) {
        try {
            return guard.authenticate(credentials.bearer());
        } catch (UnauthenticatedException e) {
            if (!HttpCredentials.isBasic(authorization)) throw e;
            throw new UnauthenticatedException("Basic password rejected: " + e.getMessage());
        }
    }

    private RuntimeException denied(Caller caller, String peer, Operation operation, LockKey key, RuntimeException e) {
        return audited(audit, caller, peer, operation, key.value(), e);
    }

    /**
     * Records a refusal of {@code operation} on {@code key} by its kind (unauthenticated, or not allowed), as the
     * gRPC interceptor does for its calls, and hands the refusal back to be thrown. The HTTP edges' one place.
     */
    static RuntimeException audited(
            AuditTrail audit, Caller caller, String peer, Operation operation, String key, RuntimeException e) {
        if (e instanceof UnauthenticatedException) {
            audit.unauthenticated(caller, peer, operation.label(), key, e.getMessage());
        } else {
            audit.permissionDenied(caller, peer, operation.label(), key, e.getMessage());
        }
        return e;
    }

    /** Owner of a new lease: under jwt the token's subject; Terraform's 'who' stays as the display label. */
    public String ownerFor(Caller caller, String who) {
        return guard.ownerFor(caller, who.isEmpty() ? "terraform" : who);
    }

    /**
     * The operation (and so the role) a request needs: a forced UNLOCK (no ID, or a public
     * {@code fence-N}) is an admin's force-unlock; a LOCK that joins a presented lease is made under it.
     */
    static Operation operationOf(String method, String id, String presentedLease) {
        return switch (method) {
            case "GET" -> Operation.GET_STATE;
            case "POST", "PUT" -> Operation.PUT_STATE;
            case "DELETE" -> Operation.DELETE_STATE;
            case "LOCK" -> presentedLease != null ? Operation.JOIN : Operation.LOCK;
            case "UNLOCK" ->
                presentedLease == null && (empty(id) || TerraformLock.isPublicId(id))
                        ? Operation.FORCE_UNLOCK
                        : Operation.UNLOCK;
            default -> Operation.GET_STATE; // other methods are refused with 405 before any check matters
        };
    }

    private static HttpCredentials lenient(String authorization) {
        try {
            return HttpCredentials.parse(authorization);
        } catch (UnauthenticatedException e) {
            return HttpCredentials.NONE;
        }
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    static String peer(SocketAddress address) {
        return address == null ? "" : address.hostAddress() + ":" + address.port();
    }
}
