package io.statelock.adapter.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The page's files, read from the jar once and served from memory: no CDN and no build step, and no static
 * route over the whole server (which would answer other methods on unknown paths with 405 instead of 404).
 */
final class DashboardPage {
    static final String ROOT = "/ui/";
    private static final String SCRIPT = "text/javascript; charset=utf-8";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.css", "text/css; charset=utf-8",
            "app.js", SCRIPT,
            "api.js", SCRIPT,
            "locks.js", SCRIPT,
            "key.js", SCRIPT,
            "audit.js", SCRIPT,
            "dialogs.js", SCRIPT);

    private final Map<String, Buffer> files = new HashMap<>();

    DashboardPage() {
        TYPES.keySet().forEach(name -> files.put(name, Buffer.buffer(read("dashboard/" + name))));
    }

    void serve(RoutingContext ctx) {
        String path = ctx.request().path();
        String name = path.length() <= ROOT.length() ? "index.html" : path.substring(ROOT.length());
        Buffer file = files.get(name);
        if (file == null) {
            HttpErrors.text(ctx, 404, "no such file of the dashboard: " + path);
            return;
        }
        HttpMethod method = ctx.request().method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            ctx.response().putHeader("Allow", "GET, HEAD");
            HttpErrors.text(ctx, 405, "the dashboard's files take GET, not " + method);
            return;
        }
        ctx.response()
                .putHeader("Content-Type", TYPES.get(name))
                .putHeader("Cache-Control", "no-cache") // a new service version is picked up on the next load
                .end(file);
    }

    private static byte[] read(String resource) {
        try (InputStream in = DashboardPage.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the dashboard's " + resource + " is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
