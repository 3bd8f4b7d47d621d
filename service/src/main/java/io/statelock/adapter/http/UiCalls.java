package io.statelock.adapter.http;

import io.statelock.common.InvalidArgumentException;
import io.statelock.lock.LockCoordinator;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/** How every dashboard call reads its parameters and answers: work on a worker thread, JSON either way. */
final class UiCalls {
    private UiCalls() {}

    static String param(HttpServerRequest req, String name) {
        String value = req.getParam(name);
        return value == null ? "" : value;
    }

    static int pageSize(HttpServerRequest req) {
        String value = req.getParam("pageSize");
        if (value == null || value.isEmpty()) return 0;
        if (!value.matches("\\d{1,4}")) {
            throw InvalidArgumentException.of(
                    "pageSize", "must be a number from 1 to " + LockCoordinator.MAX_PAGE_SIZE + ", got " + value);
        }
        return Integer.parseInt(value);
    }

    /** Runs {@code work} on a worker thread and answers its result as JSON, or its failure. */
    static void answer(RoutingContext ctx, Callable<Object> work) {
        // Written on the worker: a page of a thousand rows is no work for the event loop.
        blocking(ctx, () -> UiJson.write(work.call())).onSuccess(json -> HttpErrors.json(ctx, 200, json));
    }

    static <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
        return ctx.vertx().executeBlocking(work, false).onFailure(e -> HttpErrors.dashboard(ctx, e));
    }
}
