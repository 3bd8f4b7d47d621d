package io.statelock.adapter.grpc;

import static io.statelock.testing.JwtResource.DEPLOY_SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Duration;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.WatchRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.JwtProfile;
import io.statelock.testing.JwtResource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Authentication and per-prefix roles through the real gRPC server (tokens signed by test keys). */
@QuarkusTest
@TestProfile(JwtProfile.class)
class SecuredLockServiceGrpcTest extends ChannelTest {

    LockServiceGrpc.LockServiceBlockingStub as(String token) {
        return GrpcChannels.locks(channel, token);
    }

    static String teamKey() {
        return "teams/acme/network/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    static AcquireRequest acquire(String key) {
        return AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("ci@runner-1")
                .setTtl(Duration.newBuilder().setSeconds(30))
                .build();
    }

    static Status.Code code(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    static final String PR = JwtResource.token("repo:acme/web:pull_request", Map.of("repository", "acme/web"), 300);
    static final String ADMIN = JwtResource.token("alice@platform", Map.of("groups", List.of("platform-admins")), 300);
    static final String OTHER_TEAM = JwtResource.token(
            "repo:acme/billing:ref:refs/heads/main",
            Map.of("repository", "acme/billing", "ref", "refs/heads/main"),
            300);

    @Test
    void missingForgedOrExpiredTokensAreUnauthenticated() {
        String key = teamKey();
        assertThat(code(() -> as(null).describe(
                                DescribeRequest.newBuilder().setKey(key).build())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        String forged = JwtResource.builder(
                        "repo:acme/network:ref:refs/heads/main",
                        Map.of("repository", "acme/network", "ref", "refs/heads/main"),
                        300)
                .sign(JwtResource.OTHER_KEYS.getPrivate());
        assertThat(code(() -> as(forged).acquire(acquire(key)))).isEqualTo(Status.Code.UNAUTHENTICATED);
        long now = System.currentTimeMillis() / 1000;
        String expired = JwtResource.builder(
                        "repo:acme/network:ref:refs/heads/main",
                        Map.of("repository", "acme/network", "ref", "refs/heads/main"),
                        300)
                .issuedAt(now - 600)
                .expiresAt(now - 60)
                .sign(JwtResource.KEYS.getPrivate());
        assertThat(code(() -> as(expired).acquire(acquire(key)))).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void healthStaysOpenWithoutAToken() {
        var health = HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().build());
        assertThat(health.getStatus().name()).isEqualTo("SERVING");
    }

    @Test
    void aReaderCanSeeButNotLock() {
        String key = teamKey();
        assertThat(as(PR).describe(DescribeRequest.newBuilder().setKey(key).build())
                        .getHeld())
                .isFalse();
        Status.Code denied = code(() -> as(PR).acquire(acquire(key)));
        assertThat(denied).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void aLockerLocksInsideItsPatternsOnlyAndOwnsTheLeaseByItsSubject() {
        String deploy = JwtResource.deployToken(300);
        String key = teamKey();
        AcquireResponse lease = as(deploy).acquire(acquire(key));
        var status =
                as(deploy).describe(DescribeRequest.newBuilder().setKey(key).build());
        assertThat(status.getOwner()).isEqualTo("repo:acme/network:ref:refs/heads/main");
        assertThat(status.getInfo().getWho()).isEqualTo("ci@runner-1");
        assertThat(code(() -> as(deploy).acquire(acquire("teams/acme/billing/prod"))))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> as(OTHER_TEAM)
                        .describe(DescribeRequest.newBuilder().setKey(key).build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(as(deploy)
                        .release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();
    }

    @Test
    void anotherIdentityCannotRenewOrReleaseALeaseEvenWithItsId() {
        String key = "shared/network/" + UUID.randomUUID();
        String deploy = JwtResource.deployToken(300);
        AcquireResponse lease = as(deploy).acquire(acquire(key));
        // Same repository claims (so the same role on the key), but another subject.
        String impostor = JwtResource.token(
                "repo:acme/network:environment:prod",
                Map.of("repository", "acme/network", "ref", "refs/heads/main"),
                300);
        assertThat(code(() -> as(impostor)
                        .heartbeat(HeartbeatRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> as(impostor)
                        .release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(as(deploy)
                        .describe(DescribeRequest.newBuilder().setKey(key).build())
                        .getHeld())
                .isTrue();
    }

    /** One PutState call: the header, one chunk and the commit, as {@code token}; the call's answer or its error. */
    Object putState(String token, String key, AcquireResponse lease, byte[] data) throws Exception {
        java.util.concurrent.CompletableFuture<Object> result = new java.util.concurrent.CompletableFuture<>();
        var requests = io.statelock.proto.v1.StateServiceGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .withCallCredentials(GrpcChannels.bearer(token))
                .putState(new io.grpc.stub.StreamObserver<>() {
                    public void onNext(io.statelock.proto.v1.StateVersion v) {
                        result.complete(v);
                    }

                    public void onError(Throwable t) {
                        result.complete(t);
                    }

                    public void onCompleted() {}
                });
        requests.onNext(io.statelock.proto.v1.PutStateRequest.newBuilder()
                .setHeader(io.statelock.proto.v1.PutStateHeader.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .setFencingToken(lease.getFencingToken()))
                .build());
        requests.onNext(io.statelock.proto.v1.PutStateRequest.newBuilder()
                .setChunk(com.google.protobuf.ByteString.copyFrom(data))
                .build());
        requests.onNext(io.statelock.proto.v1.PutStateRequest.newBuilder()
                .setCommit(io.statelock.proto.v1.PutStateCommit.newBuilder().setSize(data.length))
                .build());
        requests.onCompleted();
        return result.get(20, TimeUnit.SECONDS);
    }

    @Test
    void anotherIdentityCannotWriteStateUnderAStolenLease() throws Exception {
        String key = "shared/network/" + UUID.randomUUID();
        String deploy = JwtResource.deployToken(300);
        AcquireResponse lease = as(deploy).acquire(acquire(key));
        byte[] state =
                "{\"version\":4,\"serial\":1,\"lineage\":\"L\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String impostor = JwtResource.token(
                "repo:acme/network:environment:prod",
                Map.of("repository", "acme/network", "ref", "refs/heads/main"),
                300);
        Object stolen = putState(impostor, key, lease, state);
        assertThat(stolen).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) stolen).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        Object own = putState(deploy, key, lease, state);
        assertThat(own).isInstanceOf(io.statelock.proto.v1.StateVersion.class);
        assertThat(((io.statelock.proto.v1.StateVersion) own).getFencingToken()).isEqualTo(lease.getFencingToken());
    }

    @Test
    void anApplyKeepsItsLeaseAfterItsTokenExpires() throws Exception {
        String key = teamKey();
        String shortLived = JwtResource.deployToken(2);
        AcquireResponse lease = as(shortLived).acquire(acquire(key));
        Thread.sleep(3500); // past exp + the 1 s leeway
        var renewed = as(shortLived)
                .heartbeat(HeartbeatRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .build());
        assertThat(renewed.getFencingToken()).isEqualTo(lease.getFencingToken());
        // ...but the expired token alone is good for nothing else.
        assertThat(code(() -> as(shortLived)
                        .describe(DescribeRequest.newBuilder().setKey(key).build())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(as(shortLived)
                        .release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();
    }

    @Test
    void forceReleaseNeedsAdmin() {
        String key = teamKey();
        String deploy = JwtResource.deployToken(300);
        as(deploy).acquire(acquire(key));
        assertThat(code(() -> as(deploy)
                        .forceRelease(ForceReleaseRequest.newBuilder()
                                .setKey(key)
                                .setReason("mine")
                                .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        var broken = as(ADMIN)
                .forceRelease(ForceReleaseRequest.newBuilder()
                        .setKey(key)
                        .setReason("runner died")
                        .build());
        assertThat(broken.getReleased()).isTrue();
        assertThat(broken.getPrevious().getOwner()).isEqualTo("repo:acme/network:ref:refs/heads/main");
    }

    @Test
    void listNeedsAReadingRoleOnTheWholePrefix() {
        String mine = teamKey();
        String deploy = JwtResource.deployToken(300);
        as(deploy).acquire(acquire(mine));
        as(ADMIN).acquire(acquire("teams/acme/billing/" + UUID.randomUUID()));

        var listed = as(deploy)
                .list(ListRequest.newBuilder()
                        .setPrefix("teams/acme/network/")
                        .setPageSize(1000)
                        .build());
        assertThat(listed.getLocksList())
                .extracting(s -> s.getKey())
                .contains(mine)
                .allMatch(k -> k.startsWith("teams/acme/network/"));
        // Only part of the prefix is the caller's: refused, not filtered (other teams' keys would still be read).
        StatusRuntimeException partial = assertThrows(
                StatusRuntimeException.class,
                () -> as(deploy)
                        .list(ListRequest.newBuilder().setPrefix("teams/").build()));
        assertThat(partial.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(partial.getStatus().getDescription())
                .contains("list of prefix teams/", DEPLOY_SUBJECT, "reader role on every key under the prefix");
        // "teams/acme/network" also covers teams/acme/networking/..., which the caller may not read.
        assertThat(code(() -> as(deploy)
                        .list(ListRequest.newBuilder()
                                .setPrefix("teams/acme/network")
                                .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> as(deploy).list(ListRequest.newBuilder().build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);

        var all = as(ADMIN)
                .list(ListRequest.newBuilder()
                        .setPrefix("teams/")
                        .setPageSize(1000)
                        .build());
        assertThat(all.getLocksList()).anyMatch(s -> s.getKey().startsWith("teams/acme/billing/"));
        assertThat(as(PR).list(ListRequest.newBuilder()
                                .setPrefix("te")
                                .setPageSize(1000)
                                .build())
                        .getLocksList())
                .anyMatch(s -> s.getKey().equals(mine));
    }

    @Test
    void aSignedTokenWithoutARoleNeitherListsNorWatches() {
        // Any repository's workflow can mint a token for our audience: signature and audience alone grant nothing.
        String stranger = JwtResource.token(
                "repo:evil/fork:ref:refs/heads/main", Map.of("repository", "evil/fork", "ref", "refs/heads/main"), 300);
        assertThat(code(() -> as(stranger).list(ListRequest.newBuilder().build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(code(() -> as(stranger)
                        .list(ListRequest.newBuilder().setPrefix("teams/").build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(watchEnd(stranger, WatchRequest.newBuilder().build()).getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(watchEnd(
                                stranger,
                                WatchRequest.newBuilder()
                                        .setPrefix("teams/evil/")
                                        .build())
                        .getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(watchEnd(
                                stranger,
                                WatchRequest.newBuilder().setKey(teamKey()).build())
                        .getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        // A locker's prefix watch: its own prefix yes, a prefix it covers only in part no.
        String deploy = JwtResource.deployToken(300);
        assertThat(watchEnd(
                                deploy,
                                WatchRequest.newBuilder().setPrefix("teams/").build())
                        .getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        String prefix = "teams/acme/network/" + UUID.randomUUID() + "/";
        as(deploy).acquire(acquire(prefix + "terraform.tfstate"));
        var own = GrpcChannels.locks(channel, deploy)
                .watch(WatchRequest.newBuilder().setPrefix(prefix).build());
        assertThat(own.next().getStatus().getKey()).isEqualTo(prefix + "terraform.tfstate"); // its snapshot
        String key = "teams/acme/network/" + UUID.randomUUID();
        var single = GrpcChannels.locks(channel, deploy)
                .watch(WatchRequest.newBuilder().setKey(key).build());
        assertThat(single.next().getStatus().getKey()).isEqualTo(key);
    }

    @Test
    void expiredTokensAreRefusedByListAndWatch() {
        long now = System.currentTimeMillis() / 1000;
        String expired = JwtResource.builder("alice@platform", Map.of("groups", List.of("platform-admins")), 300)
                .issuedAt(now - 600)
                .expiresAt(now - 60)
                .sign(JwtResource.KEYS.getPrivate());
        assertThat(code(() -> as(expired)
                        .list(ListRequest.newBuilder().setPrefix("teams/").build())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(watchEnd(
                                expired,
                                WatchRequest.newBuilder().setPrefix("teams/").build())
                        .getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(watchEnd(expired, WatchRequest.newBuilder().setKey(teamKey()).build())
                        .getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void anOpenWatchEndsUnauthenticatedWhenItsTokenExpires() {
        String shortLived = JwtResource.token("alice@platform", Map.of("groups", List.of("platform-admins")), 2);
        String key = teamKey();
        var events = io.statelock.proto.v1.LockServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .withCallCredentials(GrpcChannels.bearer(shortLived))
                .watch(WatchRequest.newBuilder().setKey(key).build());
        assertThat(events.next().getStatus().getKey()).isEqualTo(key); // open while the token is good
        // Past exp + the 1 s leeway the stream ends, as a new call with that token would be refused.
        StatusRuntimeException end = assertThrows(StatusRuntimeException.class, () -> {
            while (events.hasNext()) events.next();
        });
        assertThat(end.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(end.getStatus().getDescription()).contains("token expired");
    }

    /** How a Watch call ends when it is refused (the first message, or the refusal). */
    Status watchEnd(String token, WatchRequest request) {
        var events = GrpcChannels.locks(channel, token).watch(request);
        try {
            events.hasNext();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}
