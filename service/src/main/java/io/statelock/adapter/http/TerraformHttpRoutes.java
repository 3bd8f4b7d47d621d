package io.statelock.adapter.http;

import io.statelock.adapter.terraform.TerraformStateJson;
import io.statelock.audit.AuditTrail;
import io.statelock.common.LockKey;
import io.statelock.lock.Lease;
import io.statelock.state.Spool;
import io.statelock.state.StateVersion;
import io.statelock.state.TerraformBackend;
import io.statelock.state.TerraformMeta;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/**
 * Terraform's and OpenTofu's {@code backend "http"} at {@code /terraform/<key>}: GET, POST, DELETE,
 * LOCK, UNLOCK on one address. A plain Vert.x route (LOCK and UNLOCK are not standard methods):
 * bodies stream to a spool file without blocking the event loop; store work runs on worker threads.
 */
@ApplicationScoped
public class TerraformHttpRoutes {
    static final String PREFIX = "/terraform/";
    private static final java.util.Set<String> METHODS =
            java.util.Set.of("GET", "POST", "PUT", "DELETE", "LOCK", "UNLOCK");
    /** Display owner of the short lease a write without a lock (Terraform's -lock=false) takes. */
    private static final String UNLOCKED_WRITER = "terraform (unlocked write)";

    @Inject
    TerraformBackend backend;

    @Inject
    io.statelock.state.StateCoordinator states;

    @Inject
    HttpAccess access;

    @Inject
    AuditTrail audits;

    @Inject
    LoopbackHosts hosts;

    void routes(@Observes Router router) {
        router.route(PREFIX + "*").handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String method = req.method().name();
        // The route also matches the bare prefix without its slash: there is no key to cut from it.
        if (!req.path().startsWith(PREFIX)) {
            HttpErrors.text(ctx, 404, "the Terraform http backend's address is " + PREFIX + "<key>");
            return;
        }
        if (!hosts.allowed(req)) {
            HttpErrors.text(ctx, 403, LoopbackHosts.REFUSAL);
            return;
        }
        if (!METHODS.contains(method)) {
            ctx.response().putHeader("Allow", "GET, POST, DELETE, LOCK, UNLOCK");
            HttpErrors.text(ctx, 405, "method " + method + " is not part of the Terraform http backend");
            return;
        }
        LockKey key;
        try {
            key = new LockKey(decodePath(req.path().substring(PREFIX.length())));
        } catch (RuntimeException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        // Access checks run on worker threads, like the store work: verifying a token may fetch a JWKS.
        // LOCK and UNLOCK carry their ID in the body: they are checked once it has arrived.
        switch (method) {
            case "GET" -> get(ctx, key);
            case "POST", "PUT" -> post(ctx, key, method, req.getParam("ID"));
            case "DELETE" ->
                blocking(ctx, () -> {
                            String id = req.getParam("ID");
                            HttpAccess.Checked who = access.check(req, method, key, id);
                            StateVersion v = backend.delete(
                                    key,
                                    id,
                                    who.presentedLease(),
                                    access.ownerFor(who.caller(), UNLOCKED_WRITER),
                                    access.holder(who, key));
                            // Destructive: stored before the answer.
                            audits.stateDeleted(
                                    who.caller(),
                                    who.peer(),
                                    key.value(),
                                    backend.fences().token(v.fenceCounter()),
                                    v.version());
                            return v;
                        })
                        .onSuccess(v -> HttpErrors.text(ctx, 200, "deleted: tombstone version " + v.version()));
            case "LOCK" ->
                LockBody.read(ctx)
                        .compose(lock -> blocking(ctx, () -> {
                            HttpAccess.Checked c = access.check(
                                    req,
                                    method,
                                    key,
                                    LockBody.requireOwnId(LockBody.requireId(lock))
                                            .id());
                            var outcome = backend.lock(
                                    key,
                                    lock,
                                    c.presentedLease(),
                                    access.ownerFor(c.caller(), lock.who()),
                                    access.holder(c, key));
                            if (outcome instanceof TerraformBackend.LockOutcome.Locked locked)
                                auditLock(key, c, locked);
                            return outcome;
                        }))
                        .onSuccess(outcome -> {
                            if (outcome instanceof TerraformBackend.LockOutcome.Held held) {
                                HttpErrors.json(ctx, HttpErrors.LOCKED, LockInfoJson.holder(held.holder()));
                            } else {
                                HttpErrors.text(ctx, 200, "locked");
                            }
                        });
            default ->
                LockBody.read(ctx)
                        .compose(lock -> blocking(ctx, () -> {
                            String id = lock == null ? "" : lock.id();
                            HttpAccess.Checked c = access.check(req, method, key, id);
                            // Only an empty body is a force-unlock: a LockInfo without an ID is a mistake, never a
                            // break.
                            if (lock != null && c.presentedLease() == null) LockBody.requireId(lock);
                            TerraformBackend.UnlockOutcome outcome =
                                    backend.unlock(key, id, c.presentedLease(), access.holder(c, key));
                            auditUnlock(key, c, outcome); // a forced one is stored here, before the answer
                            return outcome;
                        }))
                        // 200 also when nothing was released: Terraform answers any other code with advice to
                        // force-unlock.
                        .onSuccess(outcome -> HttpErrors.text(
                                ctx,
                                200,
                                outcome.released()
                                        ? "unlocked"
                                        : outcome.forced() || outcome.reason().isEmpty()
                                                ? "not locked"
                                                : outcome.reason()));
        }
    }

    private void auditLock(LockKey key, HttpAccess.Checked who, TerraformBackend.LockOutcome.Locked locked) {
        if (locked.joined()) return; // no new lease: the wrapper's acquire was audited
        Lease lease = locked.lease();
        audits.granted(who.caller(), who.peer(), lease);
    }

    private void auditUnlock(LockKey key, HttpAccess.Checked who, TerraformBackend.UnlockOutcome outcome) {
        // previous is null when the caller's lease was no longer there: no holder of it to name.
        // Forced: stored before the answer, like ForceRelease over gRPC; a plain release is routine, and so
        // is one that found its lease gone (recorded, as the gRPC Release is); a joined run's unlock is no release.
        if (outcome.forced()) {
            audits.forceReleased(
                    who.caller(), who.peer(), key.value(), outcome.reason(), outcome.released(), outcome.previous());
        } else if (outcome.released() || outcome.previous() == null) {
            audits.released(
                    who.caller(), who.peer(), key.value(), outcome.released(), outcome.previous(), outcome.reason());
        }
    }

    private void get(RoutingContext ctx, LockKey key) {
        blocking(ctx, () -> {
                    access.check(ctx.request(), "GET", key, null);
                    return backend.read(key);
                })
                .onSuccess(read -> {
                    byte[] md5 = HexFormat.of().parseHex(read.version().md5());
                    ctx.response()
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Content-MD5", Base64.getEncoder().encodeToString(md5))
                            .putHeader("X-Statelock-Version", read.version().version())
                            .sendFile(read.bytes().file().toString())
                            .onComplete(done -> closeLater(ctx, read));
                });
    }

    private void post(RoutingContext ctx, LockKey key, String method, String id) {
        HttpServerRequest req = ctx.request();
        req.pause(); // nothing may be lost while the caller is checked and the spool file opens
        // A body that breaks its framing while paused (h2 length mismatch, bad chunking, a reset) is answered now,
        // while the connection is still open, and fails the upload when it starts.
        java.util.concurrent.atomic.AtomicReference<Throwable> early =
                new java.util.concurrent.atomic.AtomicReference<>();
        req.exceptionHandler(e -> {
            early.set(e);
            HttpErrors.respond(ctx, e);
        });
        String contentMd5 = req.getHeader("Content-MD5");
        // Vert.x has already refused a Content-Length that is not a number; none means chunked.
        String length = req.getHeader("Content-Length");
        long declared = length == null ? -1 : Long.parseLong(length);
        java.util.concurrent.atomic.AtomicReference<HttpAccess.Checked> caller =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Spool> upload = new java.util.concurrent.atomic.AtomicReference<>();
        ctx.vertx()
                .executeBlocking(
                        () -> {
                            // Both factors, then the size limit and free-space margin, before the body is taken in.
                            HttpAccess.Checked who = access.check(req, method, key, id);
                            access.checkLease(who, key, id);
                            caller.set(who);
                            upload.set(states.upload(declared));
                            return upload.get();
                        },
                        false)
                .compose(spool -> {
                    // A client that waits for 100 Continue (curl, for large bodies) may send now.
                    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect")))
                        ctx.response().writeContinue();
                    return StateUpload.read(ctx, spool, early.get());
                })
                .compose(spool -> ctx.vertx()
                        .executeBlocking(
                                () -> {
                                    HttpAccess.Checked who = caller.get();
                                    StateUpload.checkMd5(contentMd5, spool);
                                    // Terraform could not read back anything else; the one pass also reads serial and
                                    // lineage.
                                    TerraformMeta meta = TerraformStateJson.check(spool.file());
                                    return backend.write(
                                            key,
                                            id,
                                            who.presentedLease(),
                                            access.ownerFor(who.caller(), UNLOCKED_WRITER),
                                            access.holder(who, key),
                                            spool,
                                            meta);
                                },
                                false))
                .onSuccess(v -> {
                    HttpAccess.Checked who = caller.get();
                    audits.stateStored(
                            who.caller(),
                            who.peer(),
                            key.value(),
                            backend.fences().token(v.fenceCounter()),
                            v.version());
                    HttpErrors.text(ctx, 200, "stored version " + v.version());
                })
                .onComplete(done -> closeLater(ctx, upload.get()))
                .onFailure(e -> HttpErrors.respond(ctx, e));
    }

    /**
     * A URL path's percent-escapes decoded as UTF-8. A {@code +} stays a {@code +}: in a path it is no space (that is
     * form encoding, which {@link URLDecoder} also decodes). A malformed escape is an {@link IllegalArgumentException}.
     */
    static String decodePath(String path) {
        return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Runs store work on a worker thread; a failure is answered here, success by the caller. */
    private static <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
        return ctx.vertx().executeBlocking(work, false).onFailure(e -> HttpErrors.respond(ctx, e));
    }

    /** Closes (and so deletes) a spool on a worker thread, off the event loop; nothing when there is none. */
    private static void closeLater(RoutingContext ctx, AutoCloseable spool) {
        if (spool == null) return;
        ctx.vertx()
                .executeBlocking(
                        () -> {
                            spool.close();
                            return null;
                        },
                        false);
    }
}
