package io.statelock.adapter.http;

import io.statelock.adapter.WatchIdentity;
import io.statelock.common.KeyPrefix;
import io.statelock.common.LockKey;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.watch.WatchHub;
import io.statelock.lock.watch.Watcher;
import io.statelock.security.Operation;
import io.statelock.security.UnauthenticatedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard: the page at {@code /ui/} (static files in the jar) and the JSON it reads at {@code /ui/api/}.
 * Every answer is JSON, errors included ({@link HttpErrors#dashboard}); store work runs on worker threads.
 */
@ApplicationScoped
public class DashboardRoutes {
    static final String API = "/ui/api/";
    /** Each call's one method: another method on a known call is a 405, an unknown call a 404. */
    private static final Map<String, String> CALLS = Map.of(
            "session",
            "GET",
            "locks",
            "GET",
            "watch",
            "GET",
            "audit",
            "GET",
            "key",
            "GET",
            "diff",
            "GET",
            "force-release",
            "POST",
            "rollback",
            "POST");

    @Inject
    LockCoordinator locks;

    @Inject
    WatchHub watches;

    @Inject
    UiAccess access;

    @Inject
    Clock clock;

    @Inject
    DashboardAdmin admin;

    @Inject
    DashboardKeys keys;

    @Inject
    LoopbackHosts hosts;

    void routes(@Observes Router router) {
        DashboardPage page = new DashboardPage();
        // The page may load only its own files and may not be framed (its buttons break locks: no
        // clickjacking), and it sends no referrer.
        router.route("/ui/*").handler(ctx -> {
            ctx.response()
                    .putHeader(
                            "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer");
            if (hosts.allowed(ctx.request())) {
                ctx.next();
                return;
            }
            HttpErrors.json(ctx, 403, UiJson.error("PERMISSION_DENIED", LoopbackHosts.REFUSAL));
        });
        router.get(API + "session").handler(this::session);
        router.get(API + "locks").handler(this::locks);
        router.get(API + "watch").handler(this::watch);
        router.get(API + "audit").handler(admin::audit);
        router.get(API + "key").handler(keys::key);
        router.get(API + "diff").handler(keys::diff);
        router.post(API + "force-release").handler(admin::forceRelease);
        router.post(API + "rollback").handler(admin::rollback);
        router.route(API + "*").handler(DashboardRoutes::unknown);
        // Vert.x matches "/ui" and "/ui/" to "/ui/*" alike: only the bare path is sent on to the page.
        router.route("/ui/*").handler(ctx -> {
            if (ctx.request().path().equals("/ui")) ctx.redirect(DashboardPage.ROOT);
            else page.serve(ctx);
        });
    }

    /** Whether the page needs a token, and whose the presented one is. Without a token nothing is audited. */
    private void session(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiCalls.answer(ctx, () -> {
            Map<String, Object> session = new LinkedHashMap<>();
            session.put("auth", access.enabled() ? "jwt" : "off");
            String subject = null;
            if (access.enabled() && req.getHeader("Authorization") != null) {
                subject = access.authenticate(req, "").caller().subject();
            }
            session.put("subject", subject);
            session.put("serverTimeMs", clock.millis());
            return session;
        });
    }

    /** One page of the locks under a prefix, as List over gRPC (a reading role on the whole prefix). */
    private void locks(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiCalls.answer(ctx, () -> {
            // A prefix that is none is a 400 before any role is asked about it.
            String prefix = KeyPrefix.of(UiCalls.param(req, "prefix")).value();
            UiAccess.Checked who = access.requirePrefix(req, Operation.LIST, prefix);
            LockCoordinator.StatusPage page = locks.list(
                    prefix,
                    UiCalls.pageSize(req),
                    UiCalls.param(req, "pageToken"),
                    "true".equals(req.getParam("heldOnly")));
            List<Map<String, Object>> rows = page.locks().stream()
                    .map(s -> UiJson.lock(
                            s,
                            locks.waiters(s.key()).size(),
                            access.allows(
                                    who.caller(),
                                    Operation.FORCE_RELEASE,
                                    s.key().value())))
                    .toList();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("locks", rows);
            answer.put("nextPageToken", page.nextPageToken());
            answer.put("serverTimeMs", clock.millis());
            return answer;
        });
    }

    /**
     * The changes under a prefix as server-sent events, as Watch over gRPC: one {@code lock} event per change
     * (after a snapshot of every key), an {@code end} event when the watch ends (the token's expiry, shutdown,
     * a reader that fell behind). The browser opens it with fetch: an EventSource cannot send the token.
     */
    private void watch(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiCalls.blocking(ctx, () -> {
            // One key (its page: a reading role on the key), or every key under a prefix (on all of them).
            String key = UiCalls.param(req, "key");
            String prefix =
                    key.isEmpty() ? KeyPrefix.of(UiCalls.param(req, "prefix")).value() : "";
            UiAccess.Checked who = key.isEmpty()
                    ? access.requirePrefix(req, Operation.WATCH, prefix)
                    : access.require(req, Operation.WATCH, new LockKey(key).value());
            DashboardStream stream = new DashboardStream(ctx, locks, access, who.caller(), clock);
            stream.prepare();
            Watcher watcher = new Watcher(
                    WatchIdentity.of(who.caller(), who.peer()),
                    access.validUntilMs(who.caller()),
                    () -> new UnauthenticatedException(
                            "token expired, and the event stream with it; paste a fresh token"));
            try {
                stream.attach(watches.open(key, prefix, watcher, stream));
            } catch (RuntimeException e) {
                stream.refuse(e);
            }
            return null;
        });
    }

    private static void unknown(RoutingContext ctx) {
        String path = ctx.request().path();
        String method = CALLS.get(path.startsWith(API) ? path.substring(API.length()) : "");
        if (method == null) {
            HttpErrors.json(ctx, 404, UiJson.error("NOT_FOUND", "no such dashboard call: " + path));
        } else {
            ctx.response().putHeader("Allow", method);
            HttpErrors.json(
                    ctx,
                    405,
                    UiJson.error(
                            "METHOD_NOT_ALLOWED",
                            path + " takes " + method + ", not " + ctx.request().method()));
        }
    }
}
