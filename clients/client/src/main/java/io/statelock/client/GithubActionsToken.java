package io.statelock.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * GitHub Actions OIDC token: fetched from the job's token endpoint, cached until shortly before its
 * {@code exp}. Neither the request token nor the id token ever appears in a message or log.
 */
final class GithubActionsToken implements Supplier<String>, CachedToken {
    private static final System.Logger LOG = System.getLogger(GithubActionsToken.class.getName());
    /** Fetch a new token this long before the cached one expires (at most a third of its lifetime). */
    static final Duration REFRESH_BEFORE = Duration.ofSeconds(60);

    private static final int ATTEMPTS = 3;

    private record Cached(String token, long refreshAtMillis, long expiresAtMillis) {}

    private final URI url;
    private final String requestToken;
    private final String audience;
    private final HttpClient http;
    private final Duration timeout;
    private final Object fetchLock = new Object();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Cached cached;

    GithubActionsToken(URI requestUrl, String requestToken, String audience, HttpClient http, Duration timeout) {
        String u = requestUrl.toString();
        this.url = URI.create(
                u + (u.contains("?") ? "&" : "?") + "audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8));
        this.requestToken = requestToken;
        this.audience = audience;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public String get() {
        Cached c = cached;
        if (c != null && System.currentTimeMillis() < c.refreshAtMillis) {
            return c.token;
        }
        synchronized (fetchLock) {
            c = cached;
            if (c != null && System.currentTimeMillis() < c.refreshAtMillis) {
                return c.token;
            }
            try {
                Cached fresh = fetch();
                cached = fresh;
                return fresh.token;
            } catch (TokenException e) {
                if (c != null && System.currentTimeMillis() < c.expiresAtMillis) {
                    LOG.log(
                            System.Logger.Level.DEBUG,
                            () -> "GitHub OIDC token refresh failed (" + e.getMessage()
                                    + "); the cached token is still valid");
                    return c.token;
                }
                throw e;
            }
        }
    }

    @Override
    public String cached() {
        Cached c = cached;
        if (c == null) {
            return get();
        }
        if (System.currentTimeMillis() >= c.refreshAtMillis && refreshing.compareAndSet(false, true)) {
            Thread t = new Thread(
                    () -> {
                        try {
                            get();
                        } catch (RuntimeException e) {
                            LOG.log(
                                    System.Logger.Level.DEBUG,
                                    () -> "background GitHub OIDC token refresh failed: " + e.getMessage());
                        } finally {
                            refreshing.set(false);
                        }
                    },
                    "statelock-token-refresh");
            t.setDaemon(true);
            t.start();
        }
        return c.token;
    }

    private Cached fetch() {
        HttpRequest req = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Authorization", "Bearer " + requestToken)
                .header("Accept", "application/json")
                .GET()
                .build();
        String problem = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                sleep(200L << (attempt - 2));
            }
            HttpResponse<String> r;
            try {
                r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TokenException("interrupted while fetching the GitHub Actions OIDC token");
            }
            if (r.statusCode() >= 500 || r.statusCode() == 429) {
                problem = "HTTP " + r.statusCode();
                continue;
            }
            if (r.statusCode() != 200) {
                throw new TokenException("GitHub Actions OIDC token request failed: HTTP " + r.statusCode()
                        + " (does the job have `permissions: id-token: write`?)");
            }
            String token = value(r.body());
            if (token == null || !BearerTokens.wellFormed(token)) {
                throw new TokenException("GitHub Actions OIDC token endpoint answered without a usable \"value\"");
            }
            long now = System.currentTimeMillis();
            long exp = BearerTokens.expiry(token);
            long expMillis = exp > 0 ? exp * 1000 : now + REFRESH_BEFORE.toMillis();
            long lifetime = Math.max(0, expMillis - now);
            long refreshAt = expMillis - Math.min(REFRESH_BEFORE.toMillis(), lifetime / 3);
            LOG.log(
                    System.Logger.Level.DEBUG,
                    () -> "fetched a GitHub Actions OIDC token for audience " + audience + " (expires in "
                            + (expMillis - now) / 1000 + " s)");
            return new Cached(token, refreshAt, expMillis);
        }
        throw new TokenException("cannot fetch the GitHub Actions OIDC token: " + problem);
    }

    private static String value(String body) {
        try {
            JsonElement e = JsonParser.parseString(body);
            if (e.isJsonObject()
                    && e.getAsJsonObject().has("value")
                    && e.getAsJsonObject().get("value").isJsonPrimitive()) {
                return e.getAsJsonObject().get("value").getAsString().strip();
            }
        } catch (RuntimeException ignored) {
            // not JSON: reported as "without a usable value" (the body is never echoed)
        }
        return null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while fetching the GitHub Actions OIDC token");
        }
    }

    @Override
    public String toString() {
        return "GitHub Actions OIDC token (audience " + audience + ")";
    }
}
