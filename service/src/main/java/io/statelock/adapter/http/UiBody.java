package io.statelock.adapter.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statelock.common.InvalidArgumentException;
import io.statelock.security.PermissionDeniedException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * The JSON body of a dashboard action (force release, rollback), read only from the page's own origin: a
 * cross-site form cannot send {@code application/json} without a preflight the service never grants, and a
 * browser's {@code Origin} naming another site is refused. At most {@link #MAX_BYTES}; only the named fields.
 */
final class UiBody {
    static final int MAX_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode json;

    private UiBody(JsonNode json) {
        this.json = json;
    }

    /** The body, or a failed future after the refusal was answered. */
    static Future<UiBody> read(RoutingContext ctx, Set<String> fields) {
        HttpServerRequest req = ctx.request();
        String type = req.getHeader("Content-Type");
        if (type == null || !BoundedBody.isJson(type)) {
            return refuse(ctx, 415, "UNSUPPORTED_MEDIA_TYPE", "send the action as Content-Type application/json");
        }
        try {
            requireSameOrigin(req);
        } catch (PermissionDeniedException e) {
            HttpErrors.dashboard(ctx, e);
            return Future.failedFuture(e);
        }
        return BoundedBody.read(ctx, MAX_BYTES).transform(read -> {
            if (read.failed()) {
                if (BoundedBody.tooLarge(read.cause()))
                    return refuse(ctx, 413, "TOO_LARGE", "an action's body is at most " + MAX_BYTES + " bytes");
                HttpErrors.dashboard(ctx, read.cause());
                return Future.failedFuture(read.cause());
            }
            try {
                return Future.succeededFuture(parse(read.result().getBytes(), fields));
            } catch (RuntimeException e) {
                HttpErrors.dashboard(ctx, e);
                return Future.failedFuture(e);
            }
        });
    }

    static UiBody parse(byte[] body, Set<String> fields) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw InvalidArgumentException.of("body", "is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InvalidArgumentException.of("body", "is not JSON");
        }
        if (json == null || !json.isObject()) throw InvalidArgumentException.of("body", "must be a JSON object");
        json.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) throw InvalidArgumentException.of(name, "is not a field of this action");
        });
        return new UiBody(json);
    }

    /** A required string field. */
    String text(String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual()) throw InvalidArgumentException.of(field, "must be a string");
        return node.asText();
    }

    /** An optional string field; "" when absent. */
    String optionalText(String field) {
        return json.has(field) ? text(field) : "";
    }

    /** A required whole number from 0 up (fences, versions). */
    long number(String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.canConvertToExactIntegral() || !node.canConvertToLong() || node.asLong() < 0) {
            throw InvalidArgumentException.of(field, "must be a whole number from 0 up");
        }
        return node.asLong();
    }

    /**
     * A browser says where a request comes from: one from another site is refused (a page elsewhere cannot act
     * with a signed-in admin's browser). {@code Sec-Fetch-Site} decides when the browser sends it (it holds behind
     * a proxy that rewrites {@code Host}); else an {@code Origin} must name this host. Neither: a client that is
     * no browser (curl, scripts). A page that rebinds its own name to this service is kept out by the Host rule
     * ({@link LoopbackHosts}).
     */
    static void requireSameOrigin(HttpServerRequest req) {
        String fetchSite = req.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            if (fetchSite.equals("same-origin") || fetchSite.equals("none")) return;
            throw new PermissionDeniedException("a dashboard action must come from the dashboard's own page");
        }
        String origin = req.getHeader("Origin");
        if (origin == null) return;
        // Host over HTTP/1.1, :authority over HTTP/2.
        io.vertx.core.net.HostAndPort authority = req.authority();
        String host = authority == null
                ? null
                : authority.port() >= 0 ? authority.host() + ":" + authority.port() : authority.host();
        String from;
        try {
            from = URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException e) {
            from = null;
        }
        if (from == null || host == null || !from.equalsIgnoreCase(host)) {
            throw new PermissionDeniedException("a dashboard action must come from the dashboard's own page, not "
                    + origin.substring(0, Math.min(origin.length(), 200)));
        }
    }

    private static <T> Future<T> refuse(RoutingContext ctx, int status, String code, String message) {
        HttpErrors.json(ctx, status, UiJson.error(code, message));
        return Future.failedFuture(message);
    }
}
