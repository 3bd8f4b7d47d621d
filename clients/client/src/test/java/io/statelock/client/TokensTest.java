package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token sources, per-call tokens, and the keep-alive stream reopened when the token rotates. */
class TokensTest {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path dir;

    private Server server;
    private GrpcStatelockClient client;
    private HttpServer http;
    /** "method authorization" of every call the service saw, in order. */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (http != null) {
            http.stop(0);
        }
    }

    private GrpcStatelockClient connect(Supplier<String> tokens) throws Exception {
        ServerInterceptor record = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                calls.add(call.getMethodDescriptor().getBareMethodName() + " " + headers.get(AUTHORIZATION));
                return next.startCall(call, headers);
            }
        };
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(new FakeLockService(), record))
                .build()
                .start();
        TokenProvider provider = new TokenProvider(tokens);
        client = new GrpcStatelockClient(
                InProcessChannelBuilder.forName(name)
                        .intercept(new BearerToken(provider))
                        .build(),
                true,
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                System::nanoTime,
                provider);
        return client;
    }

    private static AcquireOptions opts() {
        return AcquireOptions.builder()
                .ttl(Duration.ofMillis(600))
                .owner("test")
                .build();
    }

    @Test
    void tokenFileIsReadPerCallAndARotatedTokenReopensTheKeepAliveStream() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "token-one\n");
        connect(Tokens.file(file));
        try (Lease lease = client.locks().acquire("k", opts())) {
            Thread.sleep(700); // renewals every 200 ms over one stream
            Files.writeString(file, "token-two\n");
            Thread.sleep(700);
            assertTrue(lease.isValid());
        }
        assertEquals("Acquire Bearer token-one", calls.get(0));
        List<String> keepAlives =
                calls.stream().filter(c -> c.startsWith("KeepAlive")).toList();
        assertEquals(
                List.of("KeepAlive Bearer token-one", "KeepAlive Bearer token-two"),
                keepAlives,
                "one stream per token: " + calls);
        assertEquals("Release Bearer token-two", calls.get(calls.size() - 1));
    }

    @Test
    void aTokenFileCaughtMidRewriteFallsBackToTheLastTokenRead() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "token-one");
        Supplier<String> s = Tokens.file(file);
        assertEquals("token-one", s.get());
        Files.writeString(file, "");
        assertEquals("token-one", s.get());
        Files.delete(file);
        assertEquals("token-one", s.get());
        Files.writeString(file, "Bearer token-two\n");
        assertEquals("token-two", BearerTokens.normalize(s.get()));
    }

    @Test
    void noTokenFailsUnauthenticatedWithoutReachingTheService() throws Exception {
        connect(Tokens.file(dir.resolve("missing")));
        PermissionException e =
                assertThrows(PermissionException.class, () -> client.locks().acquire("k", opts()));
        assertTrue(e.unauthenticated());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertEquals(List.of(), calls);
    }

    @Test
    void aMalformedTokenIsRefusedWithoutEchoingIt() throws Exception {
        connect(Tokens.of("secret-part-1\nsecret-part-2"));
        PermissionException e =
                assertThrows(PermissionException.class, () -> client.locks().acquire("k", opts()));
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-part"), e.getMessage());
        assertEquals(List.of(), calls);
    }

    @Test
    void aTokenSourceThatStartsFailingLosesTheLeaseByTheClientsClock() throws Exception {
        AtomicInteger n = new AtomicInteger();
        connect(() -> {
            if (n.incrementAndGet() > 2) {
                throw new IllegalStateException("vault down");
            }
            return "token-one";
        });
        Lease lease = client.locks().acquire("k", opts());
        Thread.sleep(1000);
        // Every renewal after the first fails before reaching the service: the lease is lost by the
        // client's clock (not by an exception on a timer thread that would leave it "valid" forever).
        assertFalse(lease.isValid());
        lease.close();
    }

    // ---- GitHub Actions OIDC ----

    private final AtomicInteger fetches = new AtomicInteger();
    private final List<String> audiences = new CopyOnWriteArrayList<>();
    private volatile long lifetimeSeconds = 600;
    private volatile long delayMillis;

    private URI githubEndpoint() throws Exception {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/idtoken", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (!"Bearer request-secret".equals(auth)) {
                ex.sendResponseHeaders(403, -1);
                ex.close();
                return;
            }
            int n = fetches.incrementAndGet();
            audiences.add(ex.getRequestURI().getQuery());
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("{\"count\":1,\"value\":\"" + jwt("gh-" + n, lifetimeSeconds) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/idtoken?api-version=2.0");
    }

    static String jwt(String subject, long lifetimeSeconds) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(
                ("{\"sub\":\"" + subject + "\",\"exp\":" + (Instant.now().getEpochSecond() + lifetimeSeconds) + "}")
                        .getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".sig";
    }

    private GithubActionsToken github(String requestToken) throws Exception {
        return new GithubActionsToken(
                githubEndpoint(), requestToken, "statelock", HttpClient.newHttpClient(), Duration.ofSeconds(5));
    }

    @Test
    void githubTokenIsFetchedWithTheAudienceAndCachedUntilShortlyBeforeExpiry() throws Exception {
        GithubActionsToken t = github("request-secret");
        String first = t.get();
        assertEquals(first, t.get());
        assertEquals(1, fetches.get());
        assertEquals(List.of("api-version=2.0&audience=statelock"), audiences);
    }

    @Test
    void githubTokenIsFetchedAgainNearItsExpiryAndLeaseCallsNeverWaitForIt() throws Exception {
        lifetimeSeconds = 3; // refreshed a third of its lifetime before exp: after ~2 s
        GithubActionsToken t = github("request-secret");
        String first = t.get();
        Thread.sleep(2200);
        delayMillis = 1500;
        long start = System.nanoTime();
        assertEquals(first, t.cached(), "under a lease the cached token is used while a new one is fetched");
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(300), "cached() did not block");
        Thread.sleep(2000);
        String second = t.cached();
        assertFalse(first.equals(second), "the background fetch replaced the token");
        assertEquals(2, fetches.get());
    }

    @Test
    void githubEndpointRefusalIsAClearTokenError() throws Exception {
        GithubActionsToken t = github("wrong");
        TokenException e = assertThrows(TokenException.class, t::get);
        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains("id-token: write"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong"), e.getMessage());
    }

    @Test
    void githubSourceNeedsBothVariables() {
        assertEquals(null, Tokens.githubActions(java.util.Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", "http://x"), "a"));
    }
}
