package io.statelock.adapter.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * A small request body read into memory, never past its bound whether or not a Content-Length says so. The
 * future fails with {@link #TOO_LARGE} at the bound (the rest is dropped), or with the transport's error.
 */
final class BoundedBody {
    static final String TOO_LARGE = "too large";

    private BoundedBody() {}

    static Future<Buffer> read(RoutingContext ctx, int maxBytes) {
        HttpServerRequest req = ctx.request();
        String length = req.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,12}") && Long.parseLong(length) > maxBytes) {
            return Future.failedFuture(TOO_LARGE);
        }
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        req.handler(chunk -> {
            if (body.future().isComplete()) return; // the rest of an oversized body is dropped
            if (received.length() + chunk.length() > maxBytes) {
                body.tryFail(TOO_LARGE);
                return;
            }
            received.appendBuffer(chunk);
        });
        req.endHandler(v -> body.tryComplete(received));
        req.exceptionHandler(body::tryFail);
        req.resume(); // the router hands the request over paused
        return body.future();
    }

    static boolean tooLarge(Throwable e) {
        return TOO_LARGE.equals(e.getMessage());
    }

    /** Is the Content-Type JSON ({@code application/json} or a {@code +json} type)? */
    static boolean isJson(String contentType) {
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || mime.endsWith("+json");
    }
}
