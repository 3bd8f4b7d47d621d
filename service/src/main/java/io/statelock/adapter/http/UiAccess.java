package io.statelock.adapter.http;

import io.statelock.audit.AuditTrail;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import io.statelock.security.Operation;
import io.statelock.security.PermissionDeniedException;
import io.statelock.security.UnauthenticatedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Who may see and do what on the dashboard: the same tokens, roles and prefix rule as gRPC. The page sends its
 * token as {@code Authorization: Bearer}; Basic is refused (the browser would keep and resend it). Denials are
 * audited like gRPC's. Call it on a worker thread: verifying a token may fetch the issuer's keys (JWKS).
 */
@ApplicationScoped
public class UiAccess {
    @Inject
    AccessGuard guard;

    @Inject
    AuditTrail audit;

    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "statelock.auth.allow-insecure",
            defaultValue = "false")
    boolean allowInsecure;

    /** A checked dashboard request: who is calling and from where. */
    record Checked(Caller caller, String peer) {}

    boolean enabled() {
        return guard.enabled();
    }

    /** The caller, allowed {@code operation} on {@code key}. */
    Checked require(HttpServerRequest req, Operation operation, String key) {
        return check(req, operation, key, caller -> guard.require(caller, operation, key));
    }

    /** The caller, allowed {@code operation} on every key under {@code prefix} (List, Watch). */
    Checked requirePrefix(HttpServerRequest req, Operation operation, String prefix) {
        return check(req, operation, prefix, caller -> guard.requirePrefix(caller, operation, prefix));
    }

    /** The caller behind a token, with no operation checked (who the page is talking for). */
    Checked authenticate(HttpServerRequest req, String target) {
        return check(req, Operation.DESCRIBE, target, caller -> {});
    }

    /** Would the caller be allowed {@code operation} on {@code key}? (Which buttons a row shows.) */
    boolean allows(Caller caller, Operation operation, String key) {
        return guard.allows(caller, operation, key);
    }

    /** The owner of a lease the dashboard takes for the caller: the token's subject under jwt. */
    String ownerFor(Caller caller, String requested) {
        return guard.ownerFor(caller, requested);
    }

    long validUntilMs(Caller caller) {
        return guard.validUntilMs(caller);
    }

    private Checked check(
            HttpServerRequest req, Operation operation, String target, java.util.function.Consumer<Caller> allowed) {
        String peer = HttpAccess.peer(req.remoteAddress());
        if (!guard.enabled()) return new Checked(Caller.ANONYMOUS, peer);
        Caller caller = null;
        try {
            String authorization = req.getHeader("Authorization");
            if (HttpCredentials.isBasic(authorization)) {
                throw new UnauthenticatedException(
                        "the dashboard takes a bearer token: 'Authorization: Bearer <token>'");
            }
            caller = guard.authenticate(authorization);
            allowed.accept(caller);
            return new Checked(caller, peer);
        } catch (UnauthenticatedException | PermissionDeniedException e) {
            throw HttpAccess.audited(audit, caller, peer, operation, target, e);
        }
    }
}
