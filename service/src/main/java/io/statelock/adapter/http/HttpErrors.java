package io.statelock.adapter.http;

import io.statelock.adapter.Incidents;
import io.statelock.adapter.RetryAfter;
import io.statelock.common.StatelockException;
import io.statelock.common.StatelockException.Kind;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockHeldException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * The one place that maps domain errors to HTTP answers for the Terraform backend. Terraform reads
 * the body only of 409/423 answers to LOCK (the holder's LockInfo); other bodies are for humans.
 */
final class HttpErrors {
    private static final Logger LOG = Logger.getLogger(HttpErrors.class);
    static final int LOCKED = 423;

    private HttpErrors() {}

    static void respond(RoutingContext ctx, Throwable error) {
        Throwable e = unwrap(error);
        if (clientGone(e)) {
            LOG.debugf("the client closed the connection or reset the stream before its answer: %s", e.getMessage());
            return; // nobody to answer; nothing was stored
        }
        if (brokenBody(e)) {
            // Answered, then the connection closes (HTTP/1.1) or the stream is reset (h2): nothing more can be read.
            LOG.debugf("request body with broken framing: %s", e.toString());
            text(ctx, 400, "the request body's framing is broken (" + e.getMessage() + "); nothing stored");
            flushNow(ctx);
            return;
        }
        if (e instanceof StatelockException domain) {
            Answer answer = answer(domain);
            answer.headers().forEach(ctx.response()::putHeader);
            if (answer.json()) json(ctx, answer.status(), answer.body());
            else text(ctx, answer.status(), answer.body());
        } else if (e instanceof IllegalArgumentException) {
            text(ctx, 400, e.getMessage());
        } else {
            text(ctx, 500, Incidents.internal("the Terraform http backend", e));
        }
    }

    /**
     * The dashboard's answer to an error: the status and headers the Terraform backend would give, a JSON body
     * {@code {"code": <kind>, "message": ...}} for the page to show, and a Bearer challenge instead of Basic
     * (a Basic challenge would make the browser ask for a user name and password).
     */
    static void dashboard(RoutingContext ctx, Throwable error) {
        Throwable e = unwrap(error);
        if (clientGone(e)) {
            return; // nobody to answer
        }
        if (e instanceof StatelockException domain) {
            Answer answer = answer(domain);
            answer.headers()
                    .forEach((name, value) -> ctx.response()
                            .putHeader(name, name.equals("WWW-Authenticate") ? "Bearer realm=\"statelock\"" : value));
            // A JSON answer is Terraform's LockInfo: the page shows the message instead.
            String message = answer.json() ? domain.getMessage() : answer.body();
            json(ctx, answer.status(), UiJson.error(domain.kind().name(), message));
        } else if (e instanceof IllegalArgumentException) {
            json(ctx, 400, UiJson.error(Kind.INVALID.name(), e.getMessage()));
        } else {
            json(ctx, 500, UiJson.error("INTERNAL", Incidents.internal("the dashboard", e)));
        }
    }

    /** The failure itself, out of the future's wrapping. */
    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** The client closed the connection or reset the stream: nobody is left to answer. */
    private static boolean clientGone(Throwable e) {
        return e instanceof io.vertx.core.http.HttpClosedException
                || e instanceof io.vertx.core.http.StreamResetException;
    }

    /**
     * A body the transport could not read: an h2 DATA length that is not its content-length, chunked framing that is
     * not HTTP/1.1's (a size that is not hex, past 2^64, a missing CRLF). The client's mistake, never a 500.
     */
    private static boolean brokenBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.netty.handler.codec.http2.Http2Exception
                    || t instanceof io.netty.handler.codec.DecoderException
                    || t instanceof io.netty.handler.codec.TooLongFrameException) {
                return true;
            }
            if (t == t.getCause()) break;
        }
        // Vert.x hands an HTTP/1.1 decoder failure over as the decoder's own cause (e.g. a chunk size that is not hex).
        return e instanceof NumberFormatException;
    }

    /**
     * Vert.x closes an HTTP/1.1 connection right after a decoder failure's exception handler, while the answer is
     * still waiting for the end of the read to be flushed: flush it now, or the client gets no answer at all.
     */
    private static void flushNow(RoutingContext ctx) {
        if (ctx.request().connection() instanceof io.vertx.core.net.impl.ConnectionBase c)
            c.channelHandlerContext().flush();
    }

    /** An HTTP answer to a domain error: status, headers, and a body (text, or JSON for Terraform to read). */
    record Answer(int status, Map<String, String> headers, String body, boolean json) {
        static Answer text(int status, String body) {
            return new Answer(status, Map.of(), body, false);
        }

        static Answer json(int status, String body) {
            return new Answer(status, Map.of(), body, true);
        }

        /** A refusal the caller may retry: with {@code Retry-After}, which Terraform's HTTP client honours on 503 and 429. */
        static Answer retryLater(int status, Kind kind, String body) {
            return new Answer(
                    status,
                    RetryAfter.of(kind)
                            .map(d -> Map.of("Retry-After", Long.toString(d.toSeconds())))
                            .orElse(Map.of()),
                    body,
                    false);
        }
    }

    /** One answer per kind; no default, so a new kind does not compile until it has its status here. */
    static Answer answer(StatelockException e) {
        return switch (e.kind()) {
            // Terraform answers a 401 by reporting that the backend requires auth (username/password).
            case UNAUTHENTICATED ->
                new Answer(401, Map.of("WWW-Authenticate", "Basic realm=\"statelock\""), e.getMessage(), false);
            case PERMISSION_DENIED -> Answer.text(403, e.getMessage());
            case HELD -> Answer.json(LOCKED, LockInfoJson.holder(((LockHeldException) e).holder()));
            // The holder's public LockInfo (never its Terraform lock ID), or for a free key an ID saying why.
            case LEASE_LOST ->
                Answer.json(
                        409,
                        LockInfoJson.refusal(
                                ((LeaseLostException) e).current(), e.getMessage(), java.time.Instant.now()));
            case CONFLICT -> Answer.text(409, e.getMessage());
            case INVALID -> Answer.text(400, e.getMessage());
            case NOT_FOUND -> Answer.text(404, e.getMessage());
            case DATA_LOSS -> {
                LOG.errorf("state corrupted: %s", e.getMessage());
                yield Answer.text(500, "stored state failed its digest check and is not served: " + e.getMessage());
            }
            case TOO_LARGE -> Answer.text(413, e.getMessage()); // no Retry-After: the same state will never fit
            case INSUFFICIENT_STORAGE -> {
                LOG.warnf("state write refused: %s", e.getMessage());
                yield Answer.retryLater(507, e.kind(), e.getMessage());
            }
            // Replica-wide: another replica, or this one later.
            case FULL, SHUTTING_DOWN -> Answer.retryLater(503, e.kind(), e.getMessage());
            // Table, bucket, endpoint and SDK text stay in the log, under the incident id the caller gets.
            case UNAVAILABLE -> Answer.retryLater(503, e.kind(), Incidents.storeUnavailable(e));
        };
    }

    static void text(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        closeIfBodyUnread(ctx);
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(message == null ? "" : message + "\n");
    }

    static void json(RoutingContext ctx, int status, String body) {
        if (ctx.response().ended() || ctx.response().closed()) return;
        closeIfBodyUnread(ctx);
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body);
    }

    /**
     * An answer given before the request body was read (refused up front or at the size limit): the rest of
     * the body is never read, so an HTTP/1.x connection cannot carry another request; it is closed once the
     * answer is out, as Quarkus does for its own 413. An HTTP/2 stream ends alone.
     */
    private static void closeIfBodyUnread(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String length = req.getHeader("Content-Length");
        boolean hasBody = req.getHeader("Transfer-Encoding") != null || (length != null && !length.equals("0"));
        // Only a body not read to its end, and only HTTP/1.x: closing an HTTP/2 connection ends all its streams.
        if (!hasBody || req.isEnded() || req.version() == HttpVersion.HTTP_2) return;
        ctx.response().putHeader("Connection", "close");
        ctx.response().endHandler(v -> lingerThenClose(ctx, req));
    }

    /** At most this much of an unread body is drained after the answer (bounds what a refusal costs). */
    static final long LINGER_BYTES = 8L * 1024 * 1024;
    /** At most this long (bounds how long a refused client keeps a connection). */
    static final long LINGER_MILLIS = 2_000;

    /**
     * A lingering close, as nginx does: closing a socket with unread bytes makes the kernel send a reset,
     * which can destroy the answer before the client has read it. So the rest of the body is read and
     * dropped, bounded in bytes and time, and the connection closed when the body ends or a bound is hit.
     */
    private static void lingerThenClose(RoutingContext ctx, HttpServerRequest req) {
        if (req.isEnded()) {
            req.connection().close();
            return;
        }
        long[] drained = {0};
        boolean[] closed = {false};
        Runnable close = () -> {
            if (closed[0]) return;
            closed[0] = true;
            req.connection().close();
        };
        // Timing: LINGER_MILLIS is long enough for a client on a slow link to read a short answer, short
        // enough that refused uploads cannot hold many connections open.
        long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> close.run());
        req.handler(chunk -> {
            drained[0] += chunk.length();
            if (drained[0] >= LINGER_BYTES) {
                ctx.vertx().cancelTimer(timer);
                close.run();
            }
        });
        req.endHandler(v -> {
            ctx.vertx().cancelTimer(timer);
            close.run();
        });
        req.exceptionHandler(e -> close.run());
        req.resume();
    }
}
