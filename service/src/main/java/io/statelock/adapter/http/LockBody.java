package io.statelock.adapter.http;

import io.statelock.common.InvalidArgumentException;
import io.statelock.state.TerraformLock;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

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
        if (type != null && !BoundedBody.isJson(type)) {
            HttpErrors.text(ctx, 415, "LockInfo is JSON: send Content-Type application/json, not " + type);
            return Future.failedFuture("unsupported content type");
        }
        return BoundedBody.read(ctx, MAX_BYTES).transform(read -> {
            if (read.failed()) return BoundedBody.tooLarge(read.cause()) ? tooLarge(ctx) : failed(ctx, read.cause());
            try {
                return Future.succeededFuture(LockInfoJson.parse(read.result().getBytes()));
            } catch (RuntimeException e) {
                return failed(ctx, e);
            }
        });
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
