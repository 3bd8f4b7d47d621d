package io.statelock.adapter.metrics;

import static io.statelock.adapter.metrics.StoreCallsMetricsTest.CALLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Duration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.adapter.metrics.StoreCallsMetricsTest.Metrics;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.JwtProfile;
import io.statelock.testing.JwtResource;
import io.statelock.testing.QueuedAnswers;
import io.statelock.testing.TerraformHttp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md#invariant-5 with authentication on, read off /q/metrics: the lease owner's check is part of the
 * heartbeat's and the release's one conditional write, so each is exactly one store call and no read,
 * as with authentication off; another identity or a token that expired before the lease is refused from
 * the read that follows a failed condition, in that same store call.
 */
@QuarkusTest
@TestProfile(JwtProfile.class)
class JwtStoreCallsMetricsTest extends ChannelTest {
    static final String SUBJECT = JwtResource.DEPLOY_SUBJECT;
    static final Map<String, Object> CLAIMS = Map.of("repository", "acme/network", "ref", "refs/heads/main");

    LockServiceGrpc.LockServiceBlockingStub as(String token) {
        return GrpcChannels.locks(channel, token);
    }

    static String key() {
        return "teams/acme/network/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    static AcquireResponse acquire(LockServiceGrpc.LockServiceBlockingStub stub, String key) {
        return stub.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("ci@runner-1")
                .setTtl(Duration.newBuilder().setSeconds(30))
                .build());
    }

    @Test
    void oneStoreWritePerHeartbeatAndReleaseWithAuthenticationOn() throws Exception {
        String token = JwtResource.deployToken(300);
        String key = key();
        AcquireResponse lease = acquire(as(token), key);
        Metrics before = Metrics.scrape();

        as(token)
                .heartbeat(HeartbeatRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .build());
        Metrics afterHeartbeat = Metrics.scrape();
        assertThat(afterHeartbeat.delta(before, CALLS, "operation=\"heartbeat\"", "outcome=\"renewed\""))
                .isEqualTo(1);
        assertThat(afterHeartbeat.writes() - before.writes()).isEqualTo(1);

        assertThat(as(token)
                        .release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();
        Metrics afterRelease = Metrics.scrape();
        assertThat(afterRelease.delta(afterHeartbeat, CALLS, "operation=\"release\"", "outcome=\"released\""))
                .isEqualTo(1);
        assertThat(afterRelease.writes() - afterHeartbeat.writes()).isEqualTo(1);

        // and not one read on the way: the owner is checked inside the writes
        assertThat(afterRelease.reads() - before.reads()).isZero();
    }

    @Test
    void oneStoreWritePerKeepAliveRenewalWithAuthenticationOn() throws Exception {
        String token = JwtResource.deployToken(300);
        String key = key();
        AcquireResponse lease = acquire(as(token), key);
        QueuedAnswers<HeartbeatResponse> answers = new QueuedAnswers<>();
        StreamObserver<HeartbeatRequest> stream = LockServiceGrpc.newStub(channel)
                .withCallCredentials(GrpcChannels.bearer(token))
                .keepAlive(answers);
        Metrics before = Metrics.scrape();

        // Three renewals on one stream, as the client library's keep-alive sends them at ttl/3.
        for (int i = 0; i < 3; i++) {
            stream.onNext(HeartbeatRequest.newBuilder()
                    .setKey(key)
                    .setLeaseId(lease.getLeaseId())
                    .build());
            Object answer = answers.next(20);
            assertThat(answer).isInstanceOf(HeartbeatResponse.class);
            assertThat(((HeartbeatResponse) answer).getFencingToken()).isEqualTo(lease.getFencingToken());
        }
        stream.onCompleted();
        Metrics after = Metrics.scrape();

        assertThat(after.delta(before, CALLS, "operation=\"heartbeat\"", "outcome=\"renewed\""))
                .isEqualTo(3);
        assertThat(after.writes() - before.writes()).isEqualTo(3);
        // the owner is checked inside each renewal's write: no read on the stream
        assertThat(after.reads() - before.reads()).isZero();
    }

    @Test
    void anotherIdentityIsRefusedFromTheWritesOwnFailedCondition() throws Exception {
        String key = key();
        AcquireResponse lease = acquire(as(JwtResource.deployToken(300)), key);
        // Same claims (so the same role on the key), another subject.
        String impostor = JwtResource.token("repo:acme/network:environment:prod", CLAIMS, 300);
        Metrics before = Metrics.scrape();

        Status.Code heartbeat = assertThrows(
                        StatusRuntimeException.class,
                        () -> as(impostor)
                                .heartbeat(HeartbeatRequest.newBuilder()
                                        .setKey(key)
                                        .setLeaseId(lease.getLeaseId())
                                        .build()))
                .getStatus()
                .getCode();
        Status.Code release = assertThrows(
                        StatusRuntimeException.class,
                        () -> as(impostor)
                                .release(ReleaseRequest.newBuilder()
                                        .setKey(key)
                                        .setLeaseId(lease.getLeaseId())
                                        .build()))
                .getStatus()
                .getCode();

        assertThat(heartbeat).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(release).isEqualTo(Status.Code.PERMISSION_DENIED);
        Metrics after = Metrics.scrape();
        assertThat(after.delta(before, CALLS, "operation=\"heartbeat\"", "outcome=\"lost\""))
                .isEqualTo(1);
        assertThat(after.delta(before, CALLS, "operation=\"release\"", "outcome=\"not_held\""))
                .isEqualTo(1);
        assertThat(after.reads() - before.reads()).isZero();
        // The lease is untouched: its own holder still renews it.
        assertThat(as(JwtResource.deployToken(300))
                        .heartbeat(HeartbeatRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getFencingToken())
                .isEqualTo(lease.getFencingToken());
    }

    @Test
    void aTokenThatExpiredBeforeTheLeaseWasTakenIsUnauthenticated() throws Exception {
        String key = key();
        AcquireResponse lease = acquire(as(JwtResource.deployToken(300)), key);
        // The same subject's token, expired a minute ago (past the 1 s leeway): good only for leases taken before.
        long now = Instant.now().getEpochSecond();
        String stale = JwtResource.builder(SUBJECT, CLAIMS, 0)
                .issuedAt(now - 120)
                .expiresAt(now - 60)
                .sign(JwtResource.KEYS.getPrivate());

        Status.Code code = assertThrows(
                        StatusRuntimeException.class,
                        () -> as(stale)
                                .heartbeat(HeartbeatRequest.newBuilder()
                                        .setKey(key)
                                        .setLeaseId(lease.getLeaseId())
                                        .build()))
                .getStatus()
                .getCode();

        assertThat(code).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void theHttpBackendChecksTheOwnerOnItsOwnReadAndInTheWrite() throws Exception {
        String key = key();
        TerraformHttp tf =
                new TerraformHttp(GrpcChannels.testPort(), key).withBasicAuth("token", JwtResource.deployToken(300));
        String id = UUID.randomUUID().toString();
        Metrics before = Metrics.scrape();

        assertThat(tf.lock(TerraformHttp.lockInfo(id, "alice")).statusCode()).isEqualTo(200);
        Metrics afterLock = Metrics.scrape();
        // LOCK is the acquire alone: no read for the owner check.
        assertThat(afterLock.writes() - before.writes()).isEqualTo(1);
        assertThat(afterLock.reads() - before.reads()).isZero();

        TerraformHttp impostor = new TerraformHttp(GrpcChannels.testPort(), key)
                .withBasicAuth("token", JwtResource.token("repo:acme/network:environment:prod", CLAIMS, 300));
        assertThat(impostor.unlock(TerraformHttp.lockInfo(id, "alice")).statusCode())
                .isEqualTo(403);
        Metrics afterDenied = Metrics.scrape();

        assertThat(tf.unlock(TerraformHttp.lockInfo(id, "alice")).statusCode()).isEqualTo(200);
        Metrics afterUnlock = Metrics.scrape();
        // UNLOCK: the one read that finds the lease of Terraform's lock ID, then the release write.
        assertThat(afterUnlock.reads() - afterDenied.reads()).isEqualTo(1);
        assertThat(afterUnlock.delta(afterDenied, CALLS, "operation=\"release\"", "outcome=\"released\""))
                .isEqualTo(1);
    }
}
