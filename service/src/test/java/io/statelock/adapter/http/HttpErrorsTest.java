package io.statelock.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.common.ShuttingDownException;
import io.statelock.common.StatelockException.Kind;
import io.statelock.common.StoreUnavailableException;
import io.statelock.common.TooManyWaitersException;
import io.statelock.state.ErrorSamples;
import io.statelock.state.StateTooLargeException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every "not now" and "never" answer of the HTTP backend, through a real Vert.x server on loopback: the
 * refusals a caller may retry carry {@code Retry-After}, the others do not, and nothing the service did not
 * expect reaches the caller as an exception class or a store's text. Covers the answers the routes cannot
 * be driven to today (a LOCK never waits, so a full replica cannot refuse one).
 */
class HttpErrorsTest {
    Vertx vertx;
    HttpServer server;
    final Map<String, Throwable> errors = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route("/:name").handler(ctx -> HttpErrors.respond(ctx, errors.get(ctx.pathParam("name"))));
        server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    HttpResponse<String> answer(String name, Throwable error) throws Exception {
        errors.put(name, error);
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/" + name))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFullOrStoppingReplicaIs503WithRetryAfter() throws Exception {
        HttpResponse<String> full =
                answer("full", new TooManyWaitersException("this replica already has 0 waiting acquires"));
        HttpResponse<String> stopping = answer("stopping", new ShuttingDownException());

        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(full.body()).contains("waiting acquires");
        assertThat(stopping.statusCode()).isEqualTo(503);
        assertThat(stopping.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void aStoreFailureIs503WithAnIncidentAndNoneOfItsText() throws Exception {
        HttpResponse<String> r = answer(
                "store",
                new StoreUnavailableException(
                        "DynamoDB GetItem on lock table statelock-locks failed: ResourceNotFoundException", null));

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(r.body())
                .startsWith("store unavailable, retry (incident ")
                .doesNotContain("statelock-locks")
                .doesNotContain("Exception");
    }

    @Test
    void tooLargeIs413WithoutRetryAfterAndTheUnexpectedIs500WithoutItsClass() throws Exception {
        HttpResponse<String> large = answer("large", new StateTooLargeException(1024));
        HttpResponse<String> bug = answer("bug", new IllegalStateException("state object x already exists"));

        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(large.headers().firstValue("Retry-After")).isEqualTo(Optional.empty());
        assertThat(bug.statusCode()).isEqualTo(500);
        assertThat(bug.body()).startsWith("internal error (incident ").doesNotContain("IllegalStateException");
    }

    @Test
    void everyKindHasItsStatusAndOnlyTheRetryableOnesARetryAfter() throws Exception {
        // status, Retry-After seconds (-1: none), JSON body (Terraform reads it) or text
        Map<Kind, long[]> expected = new EnumMap<>(Map.ofEntries(
                Map.entry(Kind.HELD, new long[] {423, -1, 1}),
                Map.entry(Kind.LEASE_LOST, new long[] {409, -1, 1}),
                Map.entry(Kind.CONFLICT, new long[] {409, -1, 0}),
                Map.entry(Kind.INVALID, new long[] {400, -1, 0}),
                Map.entry(Kind.NOT_FOUND, new long[] {404, -1, 0}),
                Map.entry(Kind.UNAUTHENTICATED, new long[] {401, -1, 0}),
                Map.entry(Kind.PERMISSION_DENIED, new long[] {403, -1, 0}),
                Map.entry(Kind.UNAVAILABLE, new long[] {503, 1, 0}),
                Map.entry(Kind.SHUTTING_DOWN, new long[] {503, 1, 0}),
                Map.entry(Kind.FULL, new long[] {503, 5, 0}),
                Map.entry(Kind.INSUFFICIENT_STORAGE, new long[] {507, 60, 0}),
                Map.entry(Kind.TOO_LARGE, new long[] {413, -1, 0}),
                Map.entry(Kind.DATA_LOSS, new long[] {500, -1, 0})));
        for (Kind kind : Kind.values()) {
            long[] e = expected.get(kind);
            assertThat(e).as("expected answer for %s", kind).isNotNull();
            HttpResponse<String> r = answer(kind.name(), ErrorSamples.of(kind));

            assertThat(r.statusCode()).as("%s", kind).isEqualTo((int) e[0]);
            assertThat(r.headers().firstValue("Retry-After"))
                    .as("%s", kind)
                    .isEqualTo(e[1] < 0 ? Optional.empty() : Optional.of(Long.toString(e[1])));
            assertThat(r.headers().firstValue("Content-Type"))
                    .as("%s", kind)
                    .hasValue(e[2] == 1 ? "application/json" : "text/plain; charset=utf-8");
        }
        assertThat(answer("auth", ErrorSamples.of(Kind.UNAUTHENTICATED))
                        .headers()
                        .firstValue("WWW-Authenticate"))
                .hasValue("Basic realm=\"statelock\"");
        assertThat(answer("corrupt", ErrorSamples.of(Kind.DATA_LOSS)).body())
                .startsWith("stored state failed its digest check and is not served: ");
        assertThat(answer("illegal", new IllegalArgumentException("bad")).statusCode())
                .isEqualTo(400);
    }
}
