package io.statelock.api.http;

import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockHeldException;
import io.statelock.lock.ShuttingDownException;
import io.statelock.lock.StoreUnavailableException;
import io.statelock.security.PermissionDeniedException;
import io.statelock.security.UnauthenticatedException;
import io.statelock.state.StateConflictException;
import io.statelock.state.StateCorruptedException;
import io.statelock.state.StateNotFoundException;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * The one place that maps domain errors to HTTP answers for the Terraform backend. Terraform reads
 * the body only of 409/423 answers to LOCK (the holder's LockInfo); other bodies are for humans.
 */
final class HttpErrors {
    private static final Logger LOG = Logger.getLogger(HttpErrors.class);
    static final int LOCKED = 423;

    private HttpErrors() {
    }

    static void respond(RoutingContext ctx, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof io.vertx.core.http.HttpClosedException) {
            LOG.debugf("the client closed the connection before its answer: %s", e.getMessage());
            return; // nobody to answer; nothing was stored
        }
        if (e instanceof UnauthenticatedException) {
            // Terraform answers a 401 by reporting that the backend requires auth (username/password).
            ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"statelock\"");
            text(ctx, 401, e.getMessage());
        } else if (e instanceof PermissionDeniedException) {
            text(ctx, 403, e.getMessage());
        } else if (e instanceof LockHeldException held) {
            json(ctx, LOCKED, LockInfoJson.holder(held.holder()));
        } else if (e instanceof LeaseLostException lost) {
            // The holder's public LockInfo (never its Terraform lock ID), or for a free key an ID saying why.
            json(ctx, 409, LockInfoJson.refusal(lost.current(), lost.getMessage(), java.time.Instant.now()));
        } else if (e instanceof StateConflictException) {
            text(ctx, 409, e.getMessage());
        } else if (e instanceof InvalidArgumentException || e instanceof IllegalArgumentException) {
            text(ctx, 400, e.getMessage());
        } else if (e instanceof StateNotFoundException) {
            text(ctx, 404, e.getMessage());
        } else if (e instanceof StateCorruptedException) {
            LOG.errorf("state corrupted: %s", e.getMessage());
            text(ctx, 500, "stored state failed its digest check and is not served: " + e.getMessage());
        } else if (e instanceof StoreUnavailableException || e instanceof ShuttingDownException) {
            LOG.warnf("store unavailable: %s", e.getMessage());
            text(ctx, 503, "store unavailable, retry: " + e.getMessage());
        } else {
            LOG.error("unexpected error in the Terraform http backend", e);
            text(ctx, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    static void text(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(message == null ? "" : message + "\n");
    }

    static void json(RoutingContext ctx, int status, String body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }
}
