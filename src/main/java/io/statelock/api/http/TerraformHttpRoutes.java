package io.statelock.api.http;

import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LockKey;
import io.statelock.state.Spool;
import io.statelock.state.StateRead;
import io.statelock.state.StateVersion;
import io.statelock.state.TerraformBackend;
import io.statelock.state.TerraformLock;
import io.vertx.core.Future;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Terraform's and OpenTofu's {@code backend "http"} at {@code /terraform/<key>}: GET, POST, DELETE,
 * LOCK, UNLOCK on one address. A plain Vert.x route (LOCK and UNLOCK are not standard methods):
 * bodies stream to a spool file without blocking the event loop; store work runs on worker threads.
 */
@ApplicationScoped
public class TerraformHttpRoutes {
    static final String PREFIX = "/terraform/";
    /** The basic-auth user name under which {@code statelock run} hands its lease to a wrapped Terraform. */
    static final String LEASE_USER = "statelock-lease";
    /** LockInfo bodies are small; anything bigger is not Terraform talking. */
    private static final int MAX_LOCK_BODY = 64 * 1024;

    @Inject
    TerraformBackend backend;

    @Inject
    io.statelock.state.StateCoordinator states;

    @Inject
    io.statelock.security.AccessGuard guard;

    void routes(@Observes Router router) {
        router.route(PREFIX + "*").handler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        // Fail closed: with authentication on, this backend is not yet wired to tokens and roles.
        if (guard.enabled()) {
            HttpErrors.text(ctx, 401, "the Terraform http backend is not available with statelock.auth.mode=jwt yet");
            return;
        }
        String method = req.method().name();
        LockKey key;
        try {
            key = new LockKey(io.vertx.core.net.impl.URIDecoder.decodeURIComponent(
                    req.path().substring(PREFIX.length()), false));
        } catch (RuntimeException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        String presented = presentedLease(req);
        switch (method) {
            case "GET" -> get(ctx, key);
            case "POST", "PUT" -> post(ctx, key, req.getParam("ID"), presented);
            case "DELETE" -> blocking(ctx, () -> backend.delete(key, req.getParam("ID"), presented))
                    .onSuccess(v -> HttpErrors.text(ctx, 200, "deleted: tombstone version " + v.version()));
            case "LOCK" -> lockBody(ctx).compose(lock -> blocking(ctx, () -> backend.lock(key, require(lock), presented)))
                    .onSuccess(outcome -> {
                        if (outcome instanceof TerraformBackend.LockOutcome.Held held) {
                            HttpErrors.json(ctx, HttpErrors.LOCKED, LockInfoJson.holder(held.holder()));
                        } else {
                            HttpErrors.text(ctx, 200, "locked");
                        }
                    });
            case "UNLOCK" -> lockBody(ctx).compose(lock -> blocking(ctx, () ->
                            backend.unlock(key, lock == null ? "" : lock.id(), presented)))
                    .onSuccess(released -> HttpErrors.text(ctx, 200, released ? "unlocked" : "not locked"));
            default -> {
                ctx.response().putHeader("Allow", "GET, POST, DELETE, LOCK, UNLOCK");
                HttpErrors.text(ctx, 405, "method " + method + " is not part of the Terraform http backend");
            }
        }
    }

    private void get(RoutingContext ctx, LockKey key) {
        blocking(ctx, () -> backend.read(key)).onSuccess(read -> {
            byte[] md5 = HexFormat.of().parseHex(read.version().md5());
            ctx.response().putHeader("Content-Type", "application/json")
                    .putHeader("Content-MD5", Base64.getEncoder().encodeToString(md5))
                    .putHeader("X-Statelock-Version", read.version().version())
                    .sendFile(read.bytes().file().toString())
                    .onComplete(done -> closeLater(ctx, read));
        });
    }

    private void post(RoutingContext ctx, LockKey key, String id, String presented) {
        HttpServerRequest req = ctx.request();
        req.pause(); // nothing may be lost while the spool file opens
        Path file = states.settings().spoolDir().resolve("http-" + UUID.randomUUID() + ".spool");
        String contentMd5 = req.getHeader("Content-MD5");
        ctx.vertx().executeBlocking(() -> Files.createDirectories(states.settings().spoolDir()), false)
                .compose(dir -> ctx.vertx().fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
                .compose(req::pipeTo) // back-pressured: the client is slowed to the disk's pace, never buffered in heap
                .compose(done -> ctx.vertx().executeBlocking(() -> {
                    try (Spool spool = Spool.adopt(file)) {
                        checkMd5(contentMd5, spool);
                        return backend.write(key, id, presented, spool);
                    }
                }, false))
                .onSuccess(v -> HttpErrors.text(ctx, 200, "stored version " + v.version()))
                .onComplete(done -> deleteQuietly(ctx, file))
                .onFailure(e -> HttpErrors.respond(ctx, e));
    }

    /** Terraform and OpenTofu send Content-MD5 with every body: a mismatch means the bytes were damaged on the way. */
    private static void checkMd5(String contentMd5, Spool spool) {
        if (contentMd5 == null || contentMd5.isEmpty()) return;
        String actual = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(spool.md5()));
        if (!actual.equals(contentMd5)) {
            throw InvalidArgumentException.of("Content-MD5", "is " + contentMd5 + " but the body hashes to " + actual
                    + "; nothing stored");
        }
    }

    private static Future<TerraformLock> lockBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,12}") && Long.parseLong(length) > MAX_LOCK_BODY) {
            HttpErrors.text(ctx, 413, "LockInfo body larger than " + MAX_LOCK_BODY + " bytes");
            return Future.failedFuture("too large");
        }
        Future<TerraformLock> lock = ctx.request().body().map(b -> LockInfoJson.parse(b.toString(StandardCharsets.UTF_8)))
                .onFailure(e -> HttpErrors.respond(ctx, e));
        ctx.request().resume(); // the router hands the request over paused; body() alone would wait forever
        return lock;
    }

    private static TerraformLock require(TerraformLock lock) {
        if (lock == null || lock.id().isEmpty()) throw InvalidArgumentException.of("ID", "LOCK needs Terraform's LockInfo with an ID");
        return lock;
    }

    /** Runs store work on a worker thread; a failure is answered here, success by the caller. */
    private static <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
        return ctx.vertx().executeBlocking(work, false).onFailure(e -> HttpErrors.respond(ctx, e));
    }

    /** The lease of a wrapping {@code statelock run}, presented as basic-auth password; null otherwise. */
    static String presentedLease(HttpServerRequest req) {
        String auth = req.getHeader("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            // Other basic credentials are not ours to read (authentication may use them).
            if (colon < 0 || !decoded.substring(0, colon).equals(LEASE_USER)) return null;
            String lease = decoded.substring(colon + 1);
            return lease.isEmpty() ? null : lease;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void closeLater(RoutingContext ctx, StateRead read) {
        ctx.vertx().executeBlocking(() -> {
            read.close();
            return null;
        }, false);
    }

    private static void deleteQuietly(RoutingContext ctx, Path file) {
        ctx.vertx().executeBlocking(() -> Files.deleteIfExists(file), false);
    }
}
