package io.statelock.adapter.http;

import static io.statelock.testing.TerraformHttp.body;
import static io.statelock.testing.TerraformHttp.lockInfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.audit.AuditTrail;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.AuditRecord;
import io.statelock.proto.v1.AuditRequest;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.LockStatus;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.JwtProfile;
import io.statelock.testing.JwtResource;
import io.statelock.testing.TerraformHttp;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Terraform http backend under {@code statelock.auth.mode=jwt}: Basic auth carries the token
 * (Terraform's only credential), roles apply per key, and calls under a lease need both factors.
 */
@QuarkusTest
@TestProfile(JwtProfile.class)
class SecuredTerraformHttpTest extends ChannelTest {
    static final String DEPLOY_SUBJECT = JwtResource.DEPLOY_SUBJECT;
    static final String DEPLOY = JwtResource.deployToken(600);
    static final String ADMIN = JwtResource.adminToken(600);
    static final String PR = JwtResource.pullRequestToken(600);

    @Inject
    AuditTrail trail;

    String key;

    @BeforeEach
    void open() {
        key = "teams/acme/network/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    TerraformHttp as(String token) {
        TerraformHttp tf = new TerraformHttp(GrpcChannels.testPort(), key);
        return token == null ? tf : tf.withBasicAuth("token", token);
    }

    LockServiceGrpc.LockServiceBlockingStub grpc(String token) {
        return GrpcChannels.locks(channel, token);
    }

    LockStatus describe() {
        return grpc(ADMIN).describe(DescribeRequest.newBuilder().setKey(key).build());
    }

    static byte[] state(long serial) {
        return ("{\"version\":4,\"serial\":" + serial + ",\"lineage\":\"L\",\"outputs\":{},\"resources\":[]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    List<AuditRecord> audit(String action) {
        assertThat(trail.flush(java.time.Duration.ofSeconds(10)))
                .as("audit flushed")
                .isTrue();
        return grpc(ADMIN).audit(AuditRequest.newBuilder().setPrefix(key).build()).getRecordsList().stream()
                .filter(r -> r.getAction().equals(action))
                .toList();
    }

    @Test
    void withoutATokenEveryMethodIsUnauthenticated() throws Exception {
        TerraformHttp anonymous = as(null);
        for (HttpResponse<byte[]> r : List.of(
                anonymous.get(),
                anonymous.lock(lockInfo("x-1", "me")),
                anonymous.post(null, state(1)),
                anonymous.unlock(lockInfo("", "me")))) {
            assertThat(r.statusCode()).as(body(r)).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"statelock\"");
        }
        String forged = JwtResource.builder(
                        DEPLOY_SUBJECT, Map.of("repository", "acme/network", "ref", "refs/heads/main"), 600)
                .sign(JwtResource.OTHER_KEYS.getPrivate());
        assertThat(as(forged).lock(lockInfo("x-2", "me")).statusCode()).isEqualTo(401);
        assertThat(describe().getHeld()).isFalse();
    }

    @Test
    void aDeployJobLocksWritesAndUnlocksAsItsTokenSubject() throws Exception {
        TerraformHttp tf = as(DEPLOY);
        String id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "runner@ci")).statusCode()).isEqualTo(200);
        assertThat(describe().getOwner())
                .as("owner is the token's subject, not Who")
                .isEqualTo(DEPLOY_SUBJECT);
        assertThat(tf.post(id, state(1)).statusCode()).isEqualTo(200);
        assertThat(tf.get().body()).isEqualTo(state(1));
        assertThat(tf.unlock(lockInfo(id, "runner@ci")).statusCode()).isEqualTo(200);
        assertThat(describe().getHeld()).isFalse();

        List<AuditRecord> writes = audit("put-state");
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0).getSubject()).isEqualTo(DEPLOY_SUBJECT);
        assertThat(writes.get(0).getClaimsMap()).containsEntry("repository", "acme/network");
        assertThat(writes.get(0).getFencingToken()).isGreaterThan(0);
        assertThat(audit("acquire")).extracting(AuditRecord::getSubject).containsExactly(DEPLOY_SUBJECT);
        assertThat(audit("release")).extracting(AuditRecord::getOutcome).containsExactly("released");
    }

    @Test
    void aReaderMayReadButNotLockAndTheDenialIsAudited() throws Exception {
        as(DEPLOY).post(null, state(1)); // a write without a lock: fenced by a lease of its own
        TerraformHttp pr = as(PR);
        assertThat(pr.get().statusCode()).isEqualTo(200);
        HttpResponse<byte[]> lock = pr.lock(lockInfo(UUID.randomUUID().toString(), "pr"));
        assertThat(lock.statusCode()).isEqualTo(403);
        assertThat(body(lock)).contains("lock on " + key).doesNotContain("rules");
        assertThat(pr.post(null, state(2)).statusCode()).isEqualTo(403);
        assertThat(describe().getHeld()).isFalse();
        assertThat(audit("lock")).extracting(AuditRecord::getOutcome).containsExactly("PERMISSION_DENIED");
    }

    @Test
    void aLockerCannotTouchAKeyOutsideItsPatterns() throws Exception {
        TerraformHttp other = new TerraformHttp(GrpcChannels.testPort(), "teams/acme/web/" + UUID.randomUUID())
                .withBasicAuth("token", DEPLOY);
        assertThat(other.lock(lockInfo(UUID.randomUUID().toString(), "me")).statusCode())
                .isEqualTo(403);
        assertThat(other.get().statusCode()).isEqualTo(403);
    }

    @Test
    void anotherIdentityCannotUseTheLockIdOfSomeoneElsesLease() throws Exception {
        String id = UUID.randomUUID().toString();
        assertThat(as(DEPLOY).lock(lockInfo(id, "runner@ci")).statusCode()).isEqualTo(200);
        long fence = describe().getFencingToken();
        // Even an admin, with the stolen lock ID, may neither write under nor release that lease.
        HttpResponse<byte[]> post = as(ADMIN).post(id, state(9));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(body(post)).contains("belongs to another identity");
        assertThat(as(ADMIN).unlock(lockInfo(id, "alice")).statusCode()).isEqualTo(403);
        assertThat(as(ADMIN).get().statusCode()).isEqualTo(404);
        assertThat(describe().getHeld()).isTrue();
        assertThat(describe().getFencingToken()).isEqualTo(fence);
    }

    @Test
    void forceUnlockNeedsAdminAndIsAuditedBeforeItAnswers() throws Exception {
        assertThat(as(DEPLOY)
                        .lock(lockInfo(UUID.randomUUID().toString(), "runner@ci"))
                        .statusCode())
                .isEqualTo(200);
        long fence = describe().getFencingToken();
        // Terraform's force-unlock: UNLOCK with an empty body. A locker may not break locks.
        assertThat(as(DEPLOY)
                        .send("UNLOCK", as(DEPLOY).address(), "".getBytes())
                        .statusCode())
                .isEqualTo(403);
        assertThat(describe().getHeld()).isTrue();
        // Whitespace is no empty body: a LockInfo without an ID, refused as such, whoever sends it.
        assertThat(as(DEPLOY)
                        .send("UNLOCK", as(DEPLOY).address(), " \n".getBytes())
                        .statusCode())
                .isEqualTo(400);
        assertThat(as(ADMIN)
                        .send("UNLOCK", as(ADMIN).address(), "\u2003".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(400);
        // Every public id is the force-unlock path, one that names no token too: admin only.
        assertThat(as(DEPLOY).unlock(lockInfo("fence-0", "mallory")).statusCode())
                .isEqualTo(403);
        assertThat(describe().getHeld()).isTrue();
        // OpenTofu's: the public fence-N id, by an admin.
        assertThat(as(ADMIN).unlock(lockInfo("fence-" + fence, "alice")).statusCode())
                .isEqualTo(200);
        assertThat(describe().getHeld()).isFalse();
        List<AuditRecord> forced =
                grpc(ADMIN).audit(AuditRequest.newBuilder().setPrefix(key).build()).getRecordsList().stream()
                        .filter(r -> r.getAction().equals("force-release"))
                        .toList(); // no flush: stored before the answer
        assertThat(forced).hasSize(1);
        assertThat(forced.get(0).getSubject()).isEqualTo("alice@platform");
        assertThat(forced.get(0).getPreviousOwner()).isEqualTo(DEPLOY_SUBJECT);
        assertThat(forced.get(0).getPreviousFencingToken()).isEqualTo(fence);
        assertThat(forced.get(0).getReason()).contains("fence-" + fence);
    }

    @Test
    void aWrappedRunIsJoinedOnlyWithItsLeaseAndATokenOfItsSubject() throws Exception {
        AcquireResponse lease = grpc(DEPLOY)
                .acquire(AcquireRequest.newBuilder()
                        .setKey(key)
                        .setOwner("statelock run")
                        .setTtl(Duration.newBuilder().setSeconds(60))
                        .build());
        TerraformHttp leaseOnly = as(null).withBasicAuth(HttpCredentials.LEASE_USER, lease.getLeaseId());
        HttpResponse<byte[]> r = leaseOnly.lock(lockInfo(UUID.randomUUID().toString(), "terraform"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(body(r)).contains("<lease id>:<token>");
        TerraformHttp stranger = as(null).withBasicAuth(HttpCredentials.LEASE_USER, lease.getLeaseId() + ":" + ADMIN);
        assertThat(stranger.lock(lockInfo(UUID.randomUUID().toString(), "terraform"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(stranger.post(null, state(1)).statusCode()).isEqualTo(403);

        TerraformHttp joined = as(null).withBasicAuth(HttpCredentials.LEASE_USER, lease.getLeaseId() + ":" + DEPLOY);
        assertThat(joined.lock(lockInfo(UUID.randomUUID().toString(), "terraform"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(joined.post(null, state(1)).statusCode()).isEqualTo(200);
        assertThat(joined.unlock(lockInfo("", "terraform")).statusCode()).isEqualTo(200);
        assertThat(describe().getLeaseIdHint())
                .as("the wrapper still holds its lease")
                .isNotEmpty();
        assertThat(describe().getFencingToken()).isEqualTo(lease.getFencingToken());
    }

    @Test
    void anApplyOutlivesItsTokenUnderItsLockIdButCannotLockAgain() throws Exception {
        String shortLived = JwtResource.deployToken(2);
        String id = UUID.randomUUID().toString();
        assertThat(as(shortLived).lock(lockInfo(id, "runner@ci")).statusCode()).isEqualTo(200);
        Thread.sleep(4_000); // past expiry + the 1 s leeway of the test profile
        assertThat(as(shortLived).post(id, state(1)).statusCode())
                .as("write under the lease")
                .isEqualTo(200);
        HttpResponse<byte[]> again =
                as(shortLived).lock(lockInfo(UUID.randomUUID().toString(), "runner@ci"));
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(body(again)).contains("expired");
        // A write without a lock takes a lease of its own: an expired token may not, by POST or by PUT.
        assertThat(as(shortLived).post(null, state(2)).statusCode()).isEqualTo(401);
        assertThat(as(shortLived)
                        .send("PUT", as(shortLived).address(), state(2))
                        .statusCode())
                .isEqualTo(401);
        assertThat(as(shortLived).unlock(lockInfo(id, "runner@ci")).statusCode())
                .isEqualTo(200);
    }

    /** Every log record of the service, formatted, while {@code body} runs. */
    static List<String> capturingLogs(ThrowingRunnable body) throws Exception {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getLoggerName() + " "
                        + (r instanceof org.jboss.logmanager.ExtLogRecord ext
                                ? ext.getFormattedMessage()
                                : r.getMessage())
                        + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(handler);
        try {
            body.run();
        } finally {
            root.removeHandler(handler);
        }
        return lines;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void noRefusalRepeatsAnyPartOfTheTokenThePasswordOrTheLease() throws Exception {
        long now = java.time.Instant.now().getEpochSecond();
        long longAgo = now - 40L * 24 * 3600;
        Map<String, Object> deploy = Map.of("repository", "acme/network", "ref", "refs/heads/main");
        // Each kind of bad token (or password), and the phrase its refusal must say.
        Map<String, String> tokens = new java.util.LinkedHashMap<>();
        tokens.put(
                JwtResource.builder(DEPLOY_SUBJECT, deploy, 600).sign(JwtResource.OTHER_KEYS.getPrivate()),
                "bad signature");
        tokens.put(
                JwtResource.builder(DEPLOY_SUBJECT, deploy, 600)
                        .issuer("https://gitlab.example.com")
                        .sign(JwtResource.KEYS.getPrivate()),
                "unknown issuer");
        tokens.put(
                JwtResource.builder(DEPLOY_SUBJECT, deploy, 600)
                        .audience("sts.amazonaws.com")
                        .sign(JwtResource.KEYS.getPrivate()),
                "wrong audience");
        tokens.put(
                JwtResource.builder(DEPLOY_SUBJECT, deploy, 600)
                        .issuedAt(longAgo - 600)
                        .expiresAt(longAgo)
                        .sign(JwtResource.KEYS.getPrivate()),
                "expired " + java.time.Instant.ofEpochSecond(longAgo));
        tokens.put("correct-horse-battery-staple-" + UUID.randomUUID(), "malformed token");
        String recentlyExpired = JwtResource.builder(DEPLOY_SUBJECT, deploy, -120)
                .issuedAt(now - 600)
                .sign(JwtResource.KEYS.getPrivate());
        AcquireResponse lease = grpc(DEPLOY)
                .acquire(AcquireRequest.newBuilder()
                        .setKey(key)
                        .setOwner("run")
                        .setTtl(Duration.newBuilder().setSeconds(60))
                        .build());
        String terraformId = UUID.randomUUID().toString();
        List<String> answers = new java.util.ArrayList<>();
        List<String> logs = capturingLogs(() -> {
            for (var t : tokens.entrySet()) {
                // As Terraform sends it (Basic), as other HTTP clients do (Bearer), and joined to a lease.
                for (TerraformHttp tf : List.of(
                        as(t.getKey()),
                        as(null).withAuthorization("Bearer " + t.getKey()),
                        as(null).withBasicAuth("statelock-lease", lease.getLeaseId() + ":" + t.getKey()))) {
                    for (HttpResponse<byte[]> r : List.of(
                            tf.get(),
                            tf.lock(lockInfo(terraformId, "me")),
                            tf.post(terraformId, state(1)),
                            tf.unlock(lockInfo(terraformId, "me")))) {
                        assertThat(r.statusCode()).as(body(r)).isEqualTo(401);
                        assertThat(body(r)).contains(t.getValue());
                        answers.add(body(r));
                    }
                }
                assertThat(answers.get(answers.size() - 1)).startsWith("Basic password rejected: invalid token: ");
                var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                        io.grpc.StatusRuntimeException.class,
                        () -> grpc(t.getKey())
                                .describe(
                                        DescribeRequest.newBuilder().setKey(key).build()));
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription())
                        .startsWith("invalid token: ")
                        .contains(t.getValue());
                answers.add(e.getStatus().getDescription());
            }
            HttpResponse<byte[]> expired = as(recentlyExpired).lock(lockInfo(terraformId, "me"));
            assertThat(expired.statusCode()).isEqualTo(401);
            assertThat(body(expired)).contains("token expired at " + java.time.Instant.ofEpochSecond(now - 120));
            answers.add(body(expired));
            // Garbage bytes as the Basic password: not UTF-8, so not text at all.
            byte[] user = "token:".getBytes(StandardCharsets.UTF_8);
            byte[] garbage = java.util.Arrays.copyOf(user, user.length + 6);
            System.arraycopy(
                    new byte[] {(byte) 0xff, (byte) 0xfe, '.', (byte) 0xc3, '.', (byte) 0x80},
                    0,
                    garbage,
                    user.length,
                    6);
            HttpResponse<byte[]> r = as(null).withAuthorization(
                            "Basic " + java.util.Base64.getEncoder().encodeToString(garbage))
                    .get();
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(body(r))
                    .contains("malformed token")
                    .doesNotContain("\uFFFD")
                    .doesNotContain("Unexpected character");
            answers.add(body(r));
        });
        assertThat(trail.flush(java.time.Duration.ofSeconds(10))).isTrue();
        List<String> records = new java.util.ArrayList<>();
        String page = "";
        do {
            var answer = grpc(ADMIN)
                    .audit(AuditRequest.newBuilder()
                            .setPageSize(1000)
                            .setPageToken(page)
                            .build());
            answer.getRecordsList().forEach(rec -> records.add(rec.toString()));
            page = answer.getNextPageToken();
        } while (!page.isEmpty());
        assertThat(records).as("the refusals are audited").anyMatch(rec -> rec.contains("bad signature"));
        assertThat(logs).as("and logged").anyMatch(line -> line.contains("bad signature"));
        String everything = String.join("\n", answers) + String.join("\n", logs) + String.join("\n", records);
        for (String secret : tokens.keySet())
            io.statelock.testing.Secrets.assertNoPartOf("the answers, logs and audit records", everything, secret);
        io.statelock.testing.Secrets.assertNoPartOf("the answers, logs and audit records", everything, recentlyExpired);
        io.statelock.testing.Secrets.assertNoPartOf(
                "the answers, logs and audit records", everything, lease.getLeaseId());
        io.statelock.testing.Secrets.assertNoPartOf("the answers, logs and audit records", everything, terraformId);
    }
}
