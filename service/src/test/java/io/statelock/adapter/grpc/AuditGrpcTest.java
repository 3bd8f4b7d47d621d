package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.audit.AuditTrail;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.AuditRecord;
import io.statelock.proto.v1.AuditRequest;
import io.statelock.proto.v1.AuditResponse;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.JwtProfile;
import io.statelock.testing.JwtResource;
import io.statelock.testing.Secrets;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The audit trail through the real gRPC server, with JWT authentication (tokens signed by test keys). */
@QuarkusTest
@TestProfile(JwtProfile.class)
class AuditGrpcTest extends ChannelTest {
    static final String DEPLOY_SUBJECT = JwtResource.DEPLOY_SUBJECT;
    static final String DEPLOY = JwtResource.deployToken(600);
    static final String ADMIN = JwtResource.adminToken(600);
    static final String PR = JwtResource.pullRequestToken(600);

    @Inject
    AuditTrail trail;

    LockServiceGrpc.LockServiceBlockingStub as(String token) {
        return GrpcChannels.locks(channel, token);
    }

    static String teamPrefix() {
        return "teams/acme/network/" + UUID.randomUUID() + "/";
    }

    static AcquireRequest acquire(String key, long ttlSeconds) {
        return AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("ci@runner-1")
                .setTtl(Duration.newBuilder().setSeconds(ttlSeconds))
                .build();
    }

    /** Every record under the prefix, following page tokens. */
    List<AuditRecord> audit(AuditRequest request) {
        List<AuditRecord> out = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            AuditResponse page =
                    as(ADMIN).audit(request.toBuilder().setPageToken(token).build());
            out.addAll(page.getRecordsList());
            token = page.getNextPageToken();
            assertThat(++pages).as("pages").isLessThan(200);
        } while (!token.isEmpty());
        return out;
    }

    List<AuditRecord> audit(String prefix) {
        return audit(AuditRequest.newBuilder().setPrefix(prefix).build());
    }

    void flush() {
        assertThat(trail.flush(java.time.Duration.ofSeconds(10)))
                .as("audit flushed")
                .isTrue();
    }

    @Test
    void aForceReleaseNamingAnotherFenceBreaksNothingAndIsAuditedAsAFenceMismatch() {
        String key = teamPrefix() + "terraform.tfstate";
        AcquireResponse lease = as(DEPLOY).acquire(acquire(key, 60));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> as(ADMIN)
                        .forceRelease(ForceReleaseRequest.newBuilder()
                                .setKey(key)
                                .setReason("wrong runner")
                                .setExpectedFencingToken(lease.getFencingToken() + 1)
                                .build()))
                .satisfies(
                        e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        List<AuditRecord> records = audit(key).stream()
                .filter(r -> r.getAction().equals("force-release"))
                .toList();

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getOutcome()).isEqualTo("fence-mismatch");
            assertThat(r.getReason()).isEqualTo("wrong runner");
            assertThat(r.getSubject()).isEqualTo("alice@platform");
            assertThat(r.getPreviousOwner()).isEqualTo(DEPLOY_SUBJECT);
            assertThat(r.getPreviousFencingToken()).isEqualTo(lease.getFencingToken());
        });
    }

    @Test
    void forceReleaseIsAuditedWithItsReasonBeforeTheAnswer() {
        String key = teamPrefix() + "terraform.tfstate";
        AcquireResponse lease = as(DEPLOY).acquire(acquire(key, 60));

        var answer = as(ADMIN)
                .forceRelease(ForceReleaseRequest.newBuilder()
                        .setKey(key)
                        .setReason("runner vm-17 is gone")
                        .build());
        // No flush: a forced operation is stored before it is answered.
        List<AuditRecord> records = audit(key).stream()
                .filter(r -> r.getAction().equals("force-release"))
                .toList();

        assertThat(answer.getReleased()).isTrue();
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getKey()).isEqualTo(key);
            assertThat(r.getReason()).isEqualTo("runner vm-17 is gone");
            assertThat(r.getOutcome()).isEqualTo("released");
            assertThat(r.getSubject()).isEqualTo("alice@platform");
            assertThat(r.getClaimsMap())
                    .containsEntry("groups", "platform-admins")
                    .containsEntry("iss", JwtResource.ISSUER);
            assertThat(r.getPreviousOwner()).isEqualTo(DEPLOY_SUBJECT);
            assertThat(r.getPreviousFencingToken()).isEqualTo(lease.getFencingToken());
            assertThat(r.getPeer()).startsWith("127.0.0.1:");
            assertThat(r.getAt().getSeconds())
                    .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
        });
    }

    @Test
    void stateWritesAreAuditedAndRollbacksBeforeTheAnswer() throws Exception {
        String key = teamPrefix() + "terraform.tfstate";
        AcquireResponse lease = as(DEPLOY).acquire(acquire(key, 60));
        var header = io.statelock.proto.v1.PutStateHeader.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .setFencingToken(lease.getFencingToken());
        var states = new io.statelock.testing.StateClient(channel).as(DEPLOY);
        var first = states.put(header.build(), "{\"version\":4,\"serial\":1,\"lineage\":\"L\"}".getBytes());
        states.put(header.build(), "{\"version\":4,\"serial\":2,\"lineage\":\"L\"}".getBytes());
        io.statelock.proto.v1.StateServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(GrpcChannels.bearer(ADMIN))
                .rollback(io.statelock.proto.v1.RollbackRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .setFencingToken(lease.getFencingToken())
                        .setToVersion(first.getVersion())
                        .build());
        // No flush: a rollback is destructive, stored before it is answered.
        assertThat(audit(key))
                .filteredOn(r -> r.getAction().equals("rollback"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getSubject()).isEqualTo("alice@platform");
                    assertThat(r.getReason()).contains("to version " + first.getVersion());
                });
        flush();
        assertThat(audit(key))
                .filteredOn(r -> r.getAction().equals("put-state"))
                .extracting(AuditRecord::getSubject, AuditRecord::getFencingToken)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(DEPLOY_SUBJECT, lease.getFencingToken()),
                        org.assertj.core.groups.Tuple.tuple(DEPLOY_SUBJECT, lease.getFencingToken()));
    }

    @Test
    void acquireAndReleaseShowUpAfterAFlush() {
        String key = teamPrefix() + "terraform.tfstate";
        AcquireResponse first = as(DEPLOY).acquire(acquire(key, 60));
        as(DEPLOY)
                .release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(first.getLeaseId())
                        .build());
        AcquireResponse second = as(DEPLOY).acquire(acquire(key, 60));
        as(DEPLOY)
                .release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(second.getLeaseId())
                        .build());
        as(DEPLOY)
                .release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(second.getLeaseId())
                        .build());
        flush();

        List<AuditRecord> records = audit(key);

        assertThat(records)
                .extracting(r -> r.getAction() + ":" + r.getOutcome())
                .containsExactly(
                        "acquire:granted",
                        "release:released",
                        "acquire:granted",
                        "release:released",
                        "release:not-held");
        assertThat(records.get(0).getFencingToken()).isEqualTo(first.getFencingToken());
        assertThat(records.get(0).getPreviousFencingToken()).isZero();
        assertThat(records.get(1).getPreviousOwner()).isEqualTo(DEPLOY_SUBJECT);
        assertThat(records.get(1).getPreviousFencingToken()).isEqualTo(first.getFencingToken());
        assertThat(records.get(2).getFencingToken()).isEqualTo(second.getFencingToken());
        assertThat(records.get(2).getPreviousFencingToken()).isEqualTo(first.getFencingToken());
        assertThat(records.get(2).getPreviousOwner()).isEmpty();
        assertThat(records).allSatisfy(r -> {
            assertThat(r.getSubject()).isEqualTo(DEPLOY_SUBJECT);
            assertThat(r.getClaimsMap())
                    .containsEntry("repository", "acme/network")
                    .containsEntry("ref", "refs/heads/main");
            assertThat(r.getPeer()).startsWith("127.0.0.1:");
            // Never the lease id, in any field.
            Secrets.assertNoPartOf("an audit record", r.toString(), first.getLeaseId());
            Secrets.assertNoPartOf("an audit record", r.toString(), second.getLeaseId());
        });
        assertThat(records)
                .extracting(
                        r -> r.getAt().getSeconds() * 1_000_000_000L + r.getAt().getNanos())
                .isSorted();
    }

    @Test
    void takingOverAnExpiredLeaseNamesThePreviousHolder() throws InterruptedException {
        String key = teamPrefix() + "terraform.tfstate";
        AcquireResponse crashed = as(DEPLOY).acquire(acquire(key, 1));
        // ttl 1 s + max clock skew 1 s, with margin: the lease is takeable after that.
        Thread.sleep(2_500);
        AcquireResponse next = as(DEPLOY).acquire(acquire(key, 60));
        flush();

        assertThat(audit(key)).extracting(AuditRecord::getAction).containsExactly("acquire", "takeover");
        AuditRecord takeover = audit(key).get(1);
        assertThat(takeover.getPreviousOwner()).isEqualTo(DEPLOY_SUBJECT);
        assertThat(takeover.getPreviousFencingToken()).isEqualTo(crashed.getFencingToken());
        assertThat(takeover.getFencingToken())
                .isEqualTo(next.getFencingToken())
                .isGreaterThan(crashed.getFencingToken());
    }

    @Test
    void deniedRequestsAreRecorded() {
        String key = teamPrefix() + "terraform.tfstate";
        long before = System.currentTimeMillis();
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(PR).acquire(acquire(key, 60))))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(null).acquire(acquire(key, 60))))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        flush();

        assertThat(audit(key).stream().filter(r -> r.getOutcome().equals("PERMISSION_DENIED")))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getAction()).isEqualTo("acquire");
                    assertThat(r.getSubject()).isEqualTo("repo:acme/web:pull_request");
                    assertThat(r.getClaimsMap()).containsEntry("repository", "acme/web");
                    assertThat(r.getReason()).contains("acquire on " + key);
                    assertThat(r.getPeer()).startsWith("127.0.0.1:");
                });
        // No subject; the key is named, as acquire verifies its token on a worker thread, after reading the request.
        List<AuditRecord> unauthenticated =
                audit(AuditRequest.newBuilder().setSince(timestamp(before)).build()).stream()
                        .filter(r -> r.getOutcome().equals("UNAUTHENTICATED"))
                        .toList();
        assertThat(unauthenticated).singleElement().satisfies(r -> {
            assertThat(r.getAction()).isEqualTo("acquire");
            assertThat(r.getKey()).isEqualTo(key);
            assertThat(r.getSubject()).isEmpty();
            assertThat(r.getReason()).contains("missing credentials");
            assertThat(r.getPeer()).startsWith("127.0.0.1:");
        });
    }

    @Test
    void auditNeedsAdmin() {
        String prefix = teamPrefix();
        AuditRequest request = AuditRequest.newBuilder().setPrefix(prefix).build();
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(DEPLOY).audit(request)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(PR).audit(request)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(DEPLOY).audit(AuditRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(null).audit(request)))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        flush();

        // The refused audit queries are themselves in the trail.
        assertThat(audit(prefix))
                .extracting(r -> r.getAction() + ":" + r.getOutcome() + ":" + r.getSubject())
                .containsExactly(
                        "audit:PERMISSION_DENIED:" + DEPLOY_SUBJECT,
                        "audit:PERMISSION_DENIED:repo:acme/web:pull_request");
    }

    @Test
    void prefixTimeRangeAndPaging() {
        String prefix = teamPrefix();
        for (int i = 0; i < 5; i++) {
            as(DEPLOY).acquire(acquire(prefix + "net/" + i, 60));
        }
        as(DEPLOY).acquire(acquire(prefix + "dns/0", 60));
        flush();

        AuditResponse firstPage = as(ADMIN)
                .audit(AuditRequest.newBuilder()
                        .setPrefix(prefix + "net/")
                        .setPageSize(2)
                        .build());
        List<AuditRecord> net = audit(AuditRequest.newBuilder()
                .setPrefix(prefix + "net/")
                .setPageSize(2)
                .build());

        assertThat(firstPage.getRecordsCount()).isEqualTo(2);
        assertThat(firstPage.getNextPageToken()).isNotEmpty();
        assertThat(net)
                .extracting(AuditRecord::getKey)
                .containsExactly(
                        prefix + "net/0", prefix + "net/1", prefix + "net/2", prefix + "net/3", prefix + "net/4");
        assertThat(audit(prefix)).hasSize(6);

        Timestamp third = net.get(2).getAt();
        assertThat(audit(AuditRequest.newBuilder()
                        .setPrefix(prefix + "net/")
                        .setSince(third)
                        .build()))
                .extracting(AuditRecord::getKey)
                .startsWith(prefix + "net/2")
                .doesNotContain(prefix + "net/0", prefix + "net/1");
        assertThat(audit(AuditRequest.newBuilder()
                        .setPrefix(prefix)
                        .setUntil(net.get(0).getAt())
                        .build()))
                .extracting(AuditRecord::getKey)
                .contains(prefix + "net/0")
                .doesNotContain(prefix + "net/4", prefix + "dns/0");
        assertThat(audit(AuditRequest.newBuilder()
                        .setPrefix(prefix)
                        .setUntil(timestamp(1000))
                        .build()))
                .isEmpty();
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(ADMIN)
                        .audit(AuditRequest.newBuilder()
                                .setPrefix(prefix)
                                .setSince(timestamp(2000))
                                .setUntil(timestamp(1000))
                                .build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(SecuredLockServiceGrpcTest.code(() -> as(ADMIN)
                        .audit(AuditRequest.newBuilder()
                                .setPrefix(prefix)
                                .setPageToken("forged")
                                .build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    static Timestamp timestamp(long ms) {
        return Timestamps.fromMillis(ms);
    }
}
