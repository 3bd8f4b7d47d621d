package io.statelock.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Bearer-token sources for {@link StatelockClient.Builder#bearerToken}. Every source is asked per
 * call, so a rotated token is picked up by the next call (and a lease's keep-alive stream is
 * reopened with it). Tokens are never logged, and never part of an exception message.
 */
public final class Tokens {
    /** {@code audience} asked of GitHub Actions unless told otherwise. */
    public static final String DEFAULT_AUDIENCE = "statelock";

    private Tokens() {}

    /** A fixed token. */
    public static Supplier<String> of(String token) {
        Objects.requireNonNull(token, "token");
        return new Supplier<>() {
            @Override
            public String get() {
                return token;
            }

            @Override
            public String toString() {
                return "a fixed token";
            }
        };
    }

    /**
     * The token in a file, re-read on every call (a Kubernetes projected token, or a file a CI step
     * refreshes). Surrounding whitespace is ignored. If the file cannot be read or is empty after it
     * was read once (e.g. while it is being rewritten), the last token read is used.
     */
    public static Supplier<String> file(Path path) {
        return new FileToken(Objects.requireNonNull(path, "path"));
    }

    /**
     * GitHub Actions OIDC: {@code ACTIONS_ID_TOKEN_REQUEST_URL} and {@code
     * ACTIONS_ID_TOKEN_REQUEST_TOKEN} from the environment (set in jobs with {@code permissions:
     * id-token: write}); null when they are not set.
     */
    public static Supplier<String> githubActions(String audience) {
        return githubActions(System.getenv(), audience);
    }

    /** Like {@link #githubActions(String)}, from the given environment. */
    public static Supplier<String> githubActions(Map<String, String> env, String audience) {
        String url = env.get("ACTIONS_ID_TOKEN_REQUEST_URL");
        String requestToken = env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        if (url == null || url.isBlank() || requestToken == null || requestToken.isBlank()) {
            return null;
        }
        return githubActions(URI.create(url.strip()), requestToken.strip(), audience);
    }

    /**
     * A token fetched from GitHub's OIDC token endpoint ({@code GET <url>&audience=<aud>} with
     * {@code Authorization: Bearer <requestToken>}, answer {@code {"value": "<jwt>"}}), cached until
     * shortly before its {@code exp} and fetched again when needed. Lease renewals never wait for a
     * fetch: they use the cached token while a new one is fetched in the background (the service
     * accepts the lease holder's expired token under its lease).
     */
    public static Supplier<String> githubActions(URI requestUrl, String requestToken, String audience) {
        return new GithubActionsToken(
                requestUrl,
                requestToken,
                audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : audience.strip(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                Duration.ofSeconds(10));
    }
}
