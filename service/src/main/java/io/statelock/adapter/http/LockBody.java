package io.statelock.adapter.http;

import io.statelock.common.InvalidArgumentException;
import io.statelock.state.TerraformLock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The LockInfo body of a LOCK or UNLOCK: JSON (415 otherwise), at most {@link #MAX_BYTES} whether
 * or not a Content-Length says so (413), read into memory only up to that bound, then parsed
 * strictly. Failures are answered here; the future then fails.
 */
final class LockBody {
    /** LockInfo bodies are small; anything bigger is not Terraform talking. */
    static final int MAX_BYTES = 64 * 1024;

    private LockBody() {}

    static Future<TerraformLock> read(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String type = req.getHeader("Content-Type");
        if (type != null && !isJson(type)) {
            HttpErrors.text(ctx, 415, "LockInfo is JSON: send Content-Type application/json, not " + type);
            return Future.failedFuture("unsupported content type");
        }
        String length = req.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,12}") && Long.parseLong(length) > MAX_BYTES) {
            return tooLarge(ctx);
        }
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        req.handler(chunk -> {
            if (body.future().isComplete()) return; // the rest of an oversized body is dropped
            if (received.length() + chunk.length() > MAX_BYTES) {
                body.tryFail("too large");
                return;
            }
            received.appendBuffer(chunk);
        });
        req.endHandler(v -> body.tryComplete(received));
        req.exceptionHandler(body::tryFail);
        req.resume(); // the router hands the request over paused
        return body.future().transform(read -> {
            if (read.failed())
                return read.cause().getMessage().equals("too large") ? tooLarge(ctx) : failed(ctx, read.cause());
            try {
                return Future.succeededFuture(LockInfoJson.parse(read.result().getBytes()));
            } catch (RuntimeException e) {
                return failed(ctx, e);
            }
        });
    }

    private static boolean isJson(String contentType) {
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || mime.endsWith("+json");
    }

    private static <T> Future<T> tooLarge(RoutingContext ctx) {
        HttpErrors.text(ctx, 413, "LockInfo body larger than " + MAX_BYTES + " bytes");
        return Future.failedFuture("too large");
    }

    private static <T> Future<T> failed(RoutingContext ctx, Throwable e) {
        HttpErrors.respond(ctx, e);
        return Future.failedFuture(e);
    }

    /** A lock ID of the public form would make its holder's own UNLOCK a force-unlock: Terraform's are UUIDs. */
    static TerraformLock requireOwnId(TerraformLock lock) {
        if (TerraformLock.isPublicId(lock.id())) {
            throw InvalidArgumentException.of(
                    "ID",
                    "fence-<digits> is the form of statelock's public lock IDs and cannot"
                            + " name a new lock (Terraform's own IDs are UUIDs)");
        }
        return lock;
    }

    /** Every LockInfo but an UNLOCK's empty body (a force-unlock) names its lock. */
    static TerraformLock requireId(TerraformLock lock) {
        if (lock == null || lock.id().isEmpty()) {
            throw InvalidArgumentException.of(
                    "ID",
                    "Terraform's LockInfo must carry a non-empty ID (only an UNLOCK with an"
                            + " empty body is a force-unlock)");
        }
        return lock;
    }
}
