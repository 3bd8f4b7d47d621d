package io.statelock.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Duration;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.DashboardClient;
import io.statelock.testing.GrpcChannels;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dashboard's JSON with authentication off: what the page reads, its live events, and its errors. */
@QuarkusTest
class DashboardApiTest extends ChannelTest {
    final DashboardClient ui = new DashboardClient(GrpcChannels.testPort(), null);
    final String prefix = "ui-api/" + UUID.randomUUID() + "/";

    /** Whether the dashboard's table shows {@code key} held. */
    boolean held(String key) {
        return ui.get("locks?prefix=" + key)
                .json()
                .get("locks")
                .get(0)
                .get("held")
                .asBoolean();
    }

    AcquireResponse acquire(String key) {
        return LockServiceGrpc.newBlockingStub(channel)
                .acquire(AcquireRequest.newBuilder()
                        .setKey(key)
                        .setOwner("api-test")
                        .setTtl(Duration.newBuilder().setSeconds(60))
                        .setInfo(LockInfo.newBuilder().setOperation("apply").putLabels("team", "net"))
                        .build());
    }

    @Test
    void theSessionSaysNoTokenIsNeeded() {
        DashboardClient.Answer a = ui.get("session");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("auth").asText()).isEqualTo("off");
        assertThat(a.json().get("serverTimeMs").asLong()).isPositive();
    }

    @Test
    void locksListTheHolderWithoutItsLeaseId() {
        AcquireResponse lease = acquire(prefix + "a.tfstate");
        DashboardClient.Answer a = ui.get("locks?prefix=" + prefix);
        assertThat(a.status()).isEqualTo(200);
        JsonNode row = a.json().get("locks").get(0);
        assertThat(row.get("key").asText()).isEqualTo(prefix + "a.tfstate");
        assertThat(row.get("held").asBoolean()).isTrue();
        assertThat(row.get("owner").asText()).isEqualTo("api-test");
        assertThat(row.get("operation").asText()).isEqualTo("apply");
        assertThat(row.get("labels").get("team").asText()).isEqualTo("net");
        assertThat(row.get("fencingToken").asLong()).isEqualTo(lease.getFencingToken());
        assertThat(row.get("expiresAtMs").asLong()
                        - a.json().get("serverTimeMs").asLong())
                .isBetween(50_000L, 60_000L);
        assertThat(row.get("waiters").asInt()).isZero();
        assertThat(a.response().body()).doesNotContain(lease.getLeaseId());
    }

    @Test
    void pagesFollowTheirTokens() {
        for (int i = 0; i < 3; i++) acquire(prefix + "k" + i);
        DashboardClient.Answer first = ui.get("locks?pageSize=2&prefix=" + prefix);
        assertThat(first.json().get("locks")).hasSize(2);
        String token = first.json().get("nextPageToken").asText();
        assertThat(token).isNotEmpty();
        DashboardClient.Answer second = ui.get("locks?pageSize=2&prefix=" + prefix + "&pageToken="
                + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(second.json().get("locks")).hasSize(1);
        assertThat(second.json().get("locks").get(0).get("key").asText()).isEqualTo(prefix + "k2");
    }

    @Test
    void eventsFollowAcquireAndRelease() throws Exception {
        String key = prefix + "live";
        try (DashboardClient.Events events = ui.watch(prefix)) {
            assertThat(events.response().statusCode()).isEqualTo(200);
            assertThat(events.response().headers().firstValue("Content-Type").orElse(""))
                    .startsWith("text/event-stream");
            AcquireResponse lease = acquire(key);
            JsonNode acquired = events.next("lock");
            assertThat(acquired.get("type").asText()).isEqualTo("ACQUIRED");
            assertThat(acquired.get("lock").get("key").asText()).isEqualTo(key);
            assertThat(acquired.get("lock").get("fencingToken").asLong()).isEqualTo(lease.getFencingToken());
            LockServiceGrpc.newBlockingStub(channel)
                    .release(ReleaseRequest.newBuilder()
                            .setKey(key)
                            .setLeaseId(lease.getLeaseId())
                            .build());
            JsonNode released = events.next("lock");
            assertThat(released.get("type").asText()).isEqualTo("RELEASED");
            assertThat(released.get("lock").get("held").asBoolean()).isFalse();
        }
    }

    @Test
    void aForceReleaseFreesTheKeyAndIsTheNewestAuditRecord() {
        String key = prefix + "stuck.tfstate";
        AcquireResponse lease = acquire(key);
        DashboardClient.Answer wrongFence = ui.post(
                "force-release",
                "application/json",
                "{\"key\":\"" + key + "\",\"reason\":\"stuck\",\"expectedFencingToken\":"
                        + (lease.getFencingToken() + 1) + "}");
        assertThat(wrongFence.status()).isEqualTo(409);
        assertThat(wrongFence.json().get("code").asText()).isEqualTo("LEASE_LOST");
        assertThat(held(key)).isTrue();

        DashboardClient.Answer broken = ui.post(
                "force-release",
                "application/json",
                "{\"key\":\"" + key + "\",\"reason\":\"runner died\",\"expectedFencingToken\":"
                        + lease.getFencingToken() + "}");
        assertThat(broken.status()).isEqualTo(200);
        assertThat(broken.json().get("released").asBoolean()).isTrue();
        assertThat(broken.json().get("previous").get("owner").asText()).isEqualTo("api-test");
        assertThat(held(key)).isFalse();

        DashboardClient.Answer audit = ui.get("audit?prefix=" + key);
        assertThat(audit.status()).isEqualTo(200);
        JsonNode newest = audit.json().get("records").get(0);
        assertThat(newest.get("action").asText()).isEqualTo("force-release");
        assertThat(newest.get("reason").asText()).isEqualTo("runner died");
        assertThat(newest.get("previousOwner").asText()).isEqualTo("api-test");
        JsonNode records = audit.json().get("records");
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).get("atMs").asLong())
                    .isLessThanOrEqualTo(records.get(i - 1).get("atMs").asLong());
        }
        assertThat(records.findValuesAsText("outcome")).contains("fence-mismatch");
    }

    @Test
    void anActionMustBeJsonFromThePagesOwnOrigin() {
        String body = "{\"key\":\"" + prefix + "x\",\"reason\":\"r\",\"expectedFencingToken\":0}";
        DashboardClient.Answer form = ui.post("force-release", "application/x-www-form-urlencoded", "key=x");
        assertThat(form.status()).isEqualTo(415);
        DashboardClient.Answer elsewhere = ui.send(ui.request("force-release")
                .header("Content-Type", "application/json")
                .header("Origin", "https://evil.example")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.json().get("code").asText()).isEqualTo("PERMISSION_DENIED");
        DashboardClient.Answer sameSite = ui.send(ui.request("force-release")
                .header("Content-Type", "application/json")
                .header("Origin", "http://127.0.0.1:" + GrpcChannels.testPort())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(sameSite.status()).isEqualTo(200);
        assertThat(sameSite.json().get("released").asBoolean()).isFalse();
        DashboardClient.Answer extra =
                ui.post("force-release", "application/json", body.replace("}", ",\"expectedFencingToken2\":1}"));
        assertThat(extra.status()).isEqualTo(400);
        assertThat(extra.json().get("message").asText()).contains("expectedFencingToken2");
        DashboardClient.Answer noReason =
                ui.post("force-release", "application/json", body.replace("\"reason\":\"r\"", "\"reason\":\"\""));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().get("message").asText()).contains("reason");
    }

    @jakarta.inject.Inject
    io.statelock.lock.watch.WatchHub hub;

    @Test
    void aBrowserThatGoesFreesItsWatch() throws Exception {
        int before = hub.openStreams();
        DashboardClient.Events events = ui.watch(prefix);
        assertThat(events.response().statusCode()).isEqualTo(200);
        assertThat(hub.openStreams()).isEqualTo(before + 1);
        events.close();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (hub.openStreams() > before && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(hub.openStreams()).as("open watches after the browser went").isEqualTo(before);
    }

    @Test
    void aKeyShowsItsQueueItsVersionsAndWhatChangedBetweenThem() throws Exception {
        String key = prefix + "network.tfstate";
        io.statelock.testing.TerraformHttp tf = new io.statelock.testing.TerraformHttp(GrpcChannels.testPort(), key);
        byte[] first = io.statelock.testing.TerraformStates.state(1, "10.0.0.0/16", false)
                .getBytes();
        byte[] second = io.statelock.testing.TerraformStates.state(2, "10.1.0.0/16", true)
                .getBytes();
        assertThat(tf.post(null, first).statusCode()).isEqualTo(200);
        assertThat(tf.post(null, second).statusCode()).isEqualTo(200);
        AcquireResponse holder = acquire(key);
        var waiting = LockServiceGrpc.newFutureStub(channel)
                .acquire(AcquireRequest.newBuilder()
                        .setKey(key)
                        .setOwner("next-in-line")
                        .setInfo(LockInfo.newBuilder().setOperation("plan"))
                        .setWaitTimeout(Duration.newBuilder().setSeconds(30))
                        .build());
        long deadline = System.nanoTime() + 5_000_000_000L;
        JsonNode view = ui.get("key?key=" + key).json();
        while (view.get("waiters").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            view = ui.get("key?key=" + key).json();
        }
        assertThat(view.get("lock").get("owner").asText()).isEqualTo("api-test");
        assertThat(view.get("lock").get("waiters").asInt()).isEqualTo(1);
        JsonNode waiter = view.get("waiters").get(0);
        assertThat(waiter.get("position").asInt()).isEqualTo(1);
        assertThat(waiter.get("owner").asText()).isEqualTo("next-in-line");
        assertThat(waiter.get("operation").asText()).isEqualTo("plan");
        JsonNode versions = view.get("versions");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).get("serial").asLong()).isEqualTo(2);
        assertThat(versions.get(0).get("lineage").asText()).isEqualTo("L");
        assertThat(versions.get(0).get("size").asLong()).isEqualTo(second.length);
        assertThat(versions.get(0).get("sha256").asText()).hasSize(64);

        String from = versions.get(1).get("version").asText();
        String to = versions.get(0).get("version").asText();
        DashboardClient.Answer diff = ui.get("diff?key=" + key + "&from=" + from + "&to=" + to);
        assertThat(diff.status()).isEqualTo(200);
        assertThat(diff.json().get("changed").get(0).asText()).isEqualTo("aws_vpc.main");
        assertThat(diff.json().get("added").get(0).asText()).isEqualTo("module.net.aws_subnet.zone[\"b\"]");
        assertThat(diff.response().body()).doesNotContain("s3cr3t").doesNotContain("10.1.0.0");

        LockServiceGrpc.newBlockingStub(channel)
                .release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(holder.getLeaseId())
                        .build());
        AcquireResponse next = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        // Held: a rollback waits for nobody and breaks nothing.
        DashboardClient.Answer held =
                ui.post("rollback", "application/json", "{\"key\":\"" + key + "\",\"toVersion\":" + from + "}");
        assertThat(held.status()).isEqualTo(423);
        assertThat(held.json().get("code").asText()).isEqualTo("HELD");
        LockServiceGrpc.newBlockingStub(channel)
                .release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(next.getLeaseId())
                        .build());
        DashboardClient.Answer back =
                ui.post("rollback", "application/json", "{\"key\":\"" + key + "\",\"toVersion\":" + from + "}");
        assertThat(back.status()).isEqualTo(200);
        assertThat(new String(tf.get().body())).isEqualTo(new String(first));
        assertThat(held(key)).as("the rollback's own lease is released").isFalse();
    }

    @Test
    void withAuthenticationOffOnlyALoopbackHostIsServed() {
        // A page that rebinds its own name to 127.0.0.1 sends its own name as Host.
        DashboardClient.Answer rebound = rawWithHost("evil.example:" + GrpcChannels.testPort());
        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.json().get("message").asText()).contains("loopback");
        assertThat(rawWithHost("localhost:" + GrpcChannels.testPort()).status()).isEqualTo(200);
        // The same page could read state from the Terraform backend: refused alike.
        assertThat(rawStatus("/terraform/" + prefix + "x", "evil.example:" + GrpcChannels.testPort()))
                .isEqualTo(403);
        assertThat(rawStatus("/terraform/" + prefix + "x", "127.0.0.1:" + GrpcChannels.testPort()))
                .as("no state yet, but served")
                .isEqualTo(404);
    }

    int rawStatus(String path, String host) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", GrpcChannels.testPort())) {
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return Integer.parseInt(answer.substring(9, 12));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** GET /ui/api/locks with its own Host header (the JDK's client will not set one), over a plain socket. */
    DashboardClient.Answer rawWithHost(String host) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", GrpcChannels.testPort())) {
            socket.getOutputStream()
                    .write(("GET /ui/api/locks HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            return new DashboardClient.Answer(
                    status, null, new com.fasterxml.jackson.databind.ObjectMapper().readTree(body));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCrossSiteFetchIsRefusedWhateverItsOrigin() {
        DashboardClient.Answer crossSite = ui.send(ui.request("force-release")
                .header("Content-Type", "application/json")
                .header("Sec-Fetch-Site", "cross-site")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"key\":\"" + prefix + "x\",\"reason\":\"r\",\"expectedFencingToken\":0}"))
                .build());
        assertThat(crossSite.status()).isEqualTo(403);
    }

    @Test
    void aRollbackToAVersionThatDoesNotExistTakesNoLease() {
        String key = prefix + "never-written.tfstate";
        DashboardClient.Answer missing =
                ui.post("rollback", "application/json", "{\"key\":\"" + key + "\",\"toVersion\":42}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(ui.get("key?key=" + key)
                        .json()
                        .get("lock")
                        .get("fencingToken")
                        .asLong())
                .as("no fence was spent")
                .isZero();
    }

    @Test
    void aKeysPageFollowsThatKeyOnlyAndReadsItsOwnAuditRecords() throws Exception {
        String key = prefix + "app";
        try (DashboardClient.Events events = ui.watchKey(key)) {
            assertThat(events.response().statusCode()).isEqualTo(200);
            assertThat(events.next("lock").get("type").asText()).isEqualTo("SNAPSHOT");
            acquire(key + "-other"); // under the key as a prefix, not the key
            AcquireResponse lease = acquire(key);
            JsonNode next = events.next("lock");
            assertThat(next.get("type").asText()).isEqualTo("ACQUIRED");
            assertThat(next.get("lock").get("key").asText()).isEqualTo(key);
            assertThat(next.get("lock").get("fencingToken").asLong()).isEqualTo(lease.getFencingToken());
        }
        JsonNode view = ui.get("key?key=" + key).json();
        assertThat(view.get("canAudit").asBoolean()).isTrue();
    }

    @Test
    void mistakesAreAnsweredAsJsonWithTheirCode() {
        DashboardClient.Answer size = ui.get("locks?pageSize=lots");
        assertThat(size.status()).isEqualTo(400);
        assertThat(size.json().get("code").asText()).isEqualTo("INVALID");
        assertThat(size.json().get("message").asText()).contains("pageSize");

        DashboardClient.Answer token = ui.get("locks?pageToken=not-ours");
        assertThat(token.status()).isEqualTo(400);
        assertThat(token.json().get("code").asText()).isEqualTo("INVALID");

        DashboardClient.Answer unknown = ui.get("nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void thePageIsServedWithItsProtections() {
        var index = ui.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + GrpcChannels.testPort() + "/ui/"))
                .build());
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.response().body()).contains("<table id=\"locks\">");
        assertThat(index.header("Content-Security-Policy"))
                .contains("default-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(index.header("X-Frame-Options")).isEqualTo("DENY");
    }
}
