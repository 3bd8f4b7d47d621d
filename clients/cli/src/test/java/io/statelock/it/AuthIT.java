package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.statelock.client.AcquireOptions;
import io.statelock.client.LeaseGrant;
import io.statelock.client.PermissionException;
import io.statelock.client.StatelockClient;
import io.statelock.client.Tokens;
import io.statelock.testing.Secrets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against the packaged service with JWT authentication on (keys and tokens made here). */
class AuthIT {
    static Jwts jwts;
    static StatelockService service;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        jwts = new Jwts(java.nio.file.Files.createTempDirectory("statelock-auth-it"));
        service = StatelockService.start(StatelockService.freePort(), jwts.serviceProperties(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    Cli cli() {
        return new Cli(dir, service.addr());
    }

    static String key(String name) {
        return "teams/acme/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Exit 77, one line naming the problem, no stack trace, and never the token. */
    static void assertDenied(Cli.Run r, String expected, String... secrets) throws Exception {
        assertEquals(77, r.code(), r.toString());
        String err = r.stderr();
        assertTrue(err.contains(expected), r.toString());
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + r);
        assertEquals(1, err.strip().lines().count(), "one line: " + r);
        for (String s : secrets) {
            Secrets.assertNoPartOf("stderr", err, s);
            Secrets.assertNoPartOf("stdout", r.stdout(), s);
        }
    }

    @Test
    void withoutATokenEveryCallExits77() throws Exception {
        Cli.Run r = cli().run("status", key("none"));
        assertDenied(r, "unauthenticated");
        assertTrue(r.stderr().contains("no token given"), r.toString());
        assertDenied(cli().run("run", "--key", key("none"), "--", "true"), "unauthenticated");
    }

    @Test
    void aReaderCanLookButNotAcquire() throws Exception {
        String token = jwts.reader(300);
        Cli c = cli().env("STATELOCK_TOKEN", token);
        String k = key("reader");
        Cli.Run status = c.run("status", k);
        assertEquals(0, status.code(), status.toString());
        Cli.Run acquire = c.run("acquire", "--key", k);
        assertDenied(acquire, "permission denied", token);
        assertTrue(acquire.stderr().contains(k), acquire.toString());
        assertDenied(c.run("run", "--key", k, "--", "true"), "permission denied", token);
    }

    @Test
    void aLockerRunsACommandUnderTheLock() throws Exception {
        String token = jwts.locker(300);
        String k = key("locker");
        Cli.Run r = cli().env("STATELOCK_TOKEN", token)
                .run("run", "--key", k, "--ttl", "5s", "--", "sh", "-c", "echo fence=$STATELOCK_FENCING_TOKEN");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.stdout().contains("fence="), r.toString());
        // --token mirrors STATELOCK_TOKEN; under jwt the holder is the token's subject. Held by nobody now.
        Cli.Run status = cli().run("status", "--json", "--token", token, k);
        assertEquals(0, status.code(), status.toString());
        assertTrue(status.stdout().contains("\"held\":false"), status.toString());
    }

    @Test
    void aWrappedTerraformJoinsTheLeaseWithTheLeaseIdAndTheRunsToken() throws Exception {
        String k = key("wrapped");
        Path codes = dir.resolve("wrapped.codes");
        // Terraform's http backend with the exported TF_HTTP_*: LOCK, a state POST, UNLOCK, all basic auth.
        // Like Terraform, every body is sent as JSON (the backend answers 415 to other content types).
        String curl = "curl -s -o /dev/null -w '%{http_code}\\n' -H 'Content-Type: application/json' "
                + "-u \"$TF_HTTP_USERNAME:$TF_HTTP_PASSWORD\" ";
        String child = curl
                + "-X LOCK -d '{\"ID\":\"tf-1\",\"Operation\":\"OperationTypeApply\"}' \"$TF_HTTP_LOCK_ADDRESS\" >> "
                + codes + " && " + curl
                + "-X POST -d '{\"version\":4,\"serial\":1,\"lineage\":\"L\"}' \"$TF_HTTP_ADDRESS\" >> "
                + codes + " && " + curl + "-X UNLOCK -d '{\"ID\":\"tf-1\"}' \"$TF_HTTP_UNLOCK_ADDRESS\" >> " + codes
                // the lease id alone (a leaked TF_HTTP_PASSWORD without its token half) is not enough
                + " && curl -s -o /dev/null -w '%{http_code}\\n' -u \"$TF_HTTP_USERNAME:$STATELOCK_LEASE_ID\" -X POST -d '{}' \"$TF_HTTP_ADDRESS\" >> "
                + codes;
        Cli.Run r = cli().env("STATELOCK_TOKEN", jwts.locker(300))
                .run("run", "--key", k, "--ttl", "10s", "--", "sh", "-c", child);
        assertEquals(0, r.code(), r.toString());
        assertEquals(
                List.of("200", "200", "200", "401"),
                java.nio.file.Files.readAllLines(codes),
                "LOCK, POST and UNLOCK join the wrapper's lease; the lease id alone is refused");
    }

    @Test
    void aLockerCannotTouchKeysOutsideItsPatterns() throws Exception {
        String token = jwts.locker(300);
        assertDenied(
                cli().env("STATELOCK_TOKEN", token).run("acquire", "--key", "teams/other/x"),
                "permission denied",
                token);
    }

    @Test
    void aTokenFileRewrittenBetweenCallsIsReadAgain() throws Exception {
        Path file = dir.resolve("token");
        String k = key("file");
        Cli c = cli().env("STATELOCK_TOKEN_FILE", file.toString());
        Files.writeString(file, jwts.reader(300) + "\n");
        assertDenied(c.run("acquire", "--key", k, "--ttl", "30s"), "permission denied");
        Files.writeString(file, jwts.locker(300) + "\n");
        Cli.Run acquired = c.run("acquire", "--key", k, "--ttl", "30s");
        assertEquals(0, acquired.code(), acquired.toString());
        String leaseId = acquired.stdout()
                .lines()
                .filter(l -> l.contains("STATELOCK_LEASE_ID="))
                .map(l -> l.substring(l.indexOf('=') + 1).replace("'", "").strip())
                .findFirst()
                .orElseThrow();
        Cli.Run released =
                c.env("STATELOCK_KEY", k).env("STATELOCK_LEASE_ID", leaseId).run("release");
        assertEquals(0, released.code(), released.toString());
        // --token-file mirrors the variable; a missing file is a clear 77.
        assertDenied(
                cli().run("status", "--token-file", dir.resolve("missing").toString(), k), "cannot read token file");
    }

    @Test
    void aRunRenewsWithTheRewrittenTokenFile() throws Exception {
        // The lease belongs to the locker's subject. When the file is rewritten mid-run with another
        // identity's token, the renewals carry that token (the keep-alive stream is reopened with it) and
        // the service refuses them: the proof that the running CLI re-reads the file.
        Path file = dir.resolve("token");
        Files.writeString(file, jwts.locker(300));
        String k = key("rotate");
        Cli.Run r = cli().env("STATELOCK_TOKEN_FILE", file.toString())
                .start("run", "--key", k, "--ttl", "3s", "--kill-grace", "1s", "--", "sleep", "30");
        Thread.sleep(2500);
        Files.writeString(file, jwts.reader(300));
        r.await(Duration.ofSeconds(20));
        assertEquals(76, r.code(), r.toString());
    }

    @Test
    void aRunKeepsItsLeaseAfterItsTokenExpires() throws Exception {
        // The token expires ~5 s after it is signed, i.e. a few seconds into the run (the CLI's JVM
        // starts first); the run lasts 9 s more with a 3 s ttl (renewals every second).
        String token = jwts.locker(5);
        long expiresAt = System.currentTimeMillis() + 5000;
        String k = key("short");
        long start = System.nanoTime();
        Cli.Run r = cli().env("STATELOCK_TOKEN", token)
                .env("STATELOCK_DEBUG", "1")
                .run(Duration.ofSeconds(40), "run", "--key", k, "--ttl", "3s", "--", "sleep", "9");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        long ranAfterExpiryMs = System.currentTimeMillis() - expiresAt;
        assertEquals(0, r.code(), r.toString());
        String err = r.stderr();
        long renewals = err.lines().filter(l -> l.contains("renewed")).count();
        long failures = err.lines().filter(l -> l.contains("renewal of lease")).count();
        System.out.printf(
                "short-lived token: run took %d ms (%d ms after the token expired), %d renewals, "
                        + "%d failed renewals%n",
                elapsedMs, ranAfterExpiryMs, renewals, failures);
        assertTrue(ranAfterExpiryMs > 3000, "the token expired well before the run ended");
        assertTrue(renewals >= 7, "renewed every second for 9 s, also after the token expired: " + r);
        Secrets.assertNoPartOf("stderr with STATELOCK_DEBUG", err, token); // the token never appears
        // The same expired token cannot start anything new.
        assertDenied(cli().env("STATELOCK_TOKEN", token).run("acquire", "--key", k), "unauthenticated", token);
    }

    @Test
    void heartbeatsUnderTheLeaseAcceptTheHoldersExpiredTokenButNotAnotherIdentity() throws Exception {
        String token = jwts.locker(2);
        long exp = java.time.Instant.now().getEpochSecond() + 2;
        String k = key("expired-heartbeat");
        try (StatelockClient c = client(token);
                StatelockClient reader = client(jwts.reader(300))) {
            LeaseGrant g = c.locks()
                    .acquireDetached(
                            k,
                            AcquireOptions.builder().ttl(Duration.ofSeconds(20)).build());
            // Past exp + the service's 1 s leeway, and past the second after it (see the report: the
            // service rejects the token as invalid during that one second).
            while (java.time.Instant.now().getEpochSecond() < exp + 3) {
                Thread.sleep(100);
            }
            LeaseGrant renewed = c.locks().heartbeat(k, g.leaseId(), null);
            assertEquals(g.fencingToken(), renewed.fencingToken());
            PermissionException denied = org.junit.jupiter.api.Assertions.assertThrows(
                    PermissionException.class, () -> reader.locks().heartbeat(k, g.leaseId(), null));
            assertFalse(denied.unauthenticated(), denied.getMessage());
            assertTrue(c.locks().release(k, g.leaseId()));
        }
    }

    private StatelockClient client(String token) {
        return StatelockClient.builder()
                .target(service.addr())
                .plaintext()
                .bearerToken(Tokens.of(token))
                .callTimeout(Duration.ofSeconds(10))
                .retryTimeout(Duration.ofSeconds(5))
                .build();
    }

    // ---- GitHub Actions OIDC ----

    @Test
    void inGithubActionsTheCliFetchesAnOidcTokenForItsAudience() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/_apis/pipelines/idtoken", ex -> {
            String query = ex.getRequestURI().getRawQuery();
            requests.add(query);
            if (!"Bearer request-secret".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.sendResponseHeaders(403, -1);
                ex.close();
                return;
            }
            String audience = "";
            for (String p : query.split("&")) {
                if (p.startsWith("audience=")) {
                    audience = URLDecoder.decode(p.substring("audience=".length()), StandardCharsets.UTF_8);
                }
            }
            // What GitHub issues: sub repo:<repo>:ref:<ref>, claims repository/ref, aud as requested.
            String jwt = jwts.sign(
                    Jwts.LOCKER_SUBJECT, Map.of("repository", "acme/network", "ref", "refs/heads/main"), audience, 300);
            byte[] body = ("{\"count\":1,\"value\":\"" + jwt + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/_apis/pipelines/idtoken?api-version=2.0";
            Cli gh = cli().env("ACTIONS_ID_TOKEN_REQUEST_URL", url)
                    .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-secret");
            String k = key("github");
            Cli.Run r = gh.run("run", "--key", k, "--ttl", "3s", "--", "sh", "-c", "sleep 2; echo ok");
            assertEquals(0, r.code(), r.toString());
            assertEquals(List.of("api-version=2.0&audience=statelock"), requests, "fetched once, cached for the run");
            assertFalse(r.stderr().contains("request-secret"), r.toString());

            // A job whose token is for another audience is refused by the service.
            assertDenied(gh.env("STATELOCK_AUDIENCE", "someone-else").run("status", k), "unauthenticated");
            // Without `permissions: id-token: write` the endpoint refuses: a clear 77.
            assertDenied(
                    cli().env("ACTIONS_ID_TOKEN_REQUEST_URL", url)
                            .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "nope")
                            .run("status", k),
                    "id-token: write");
        } finally {
            http.stop(0);
        }
    }
}
