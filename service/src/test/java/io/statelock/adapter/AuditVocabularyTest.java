package io.statelock.adapter;

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
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.JwtProfile;
import io.statelock.testing.JwtResource;
import io.statelock.testing.StateClient;
import io.statelock.testing.TerraformHttp;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One audit vocabulary: the same lock-write-unlock cycle, once over gRPC and once through the Terraform http
 * backend, leaves the same records — action, outcome, subject, claims, holder before, fence after, reason —
 * differing only in the key, the time, the id and the caller's port.
 */
@QuarkusTest
@TestProfile(JwtProfile.class)
class AuditVocabularyTest extends ChannelTest {
    static final String DEPLOY = JwtResource.deployToken(600);
    static final String ADMIN = JwtResource.adminToken(600);
    static final byte[] STATE = "{\"version\":4,\"serial\":1,\"lineage\":\"L\",\"outputs\":{},\"resources\":[]}"
            .getBytes(StandardCharsets.UTF_8);

    @Inject
    AuditTrail trail;

    /** What a record says about the event, without where (key), when, its id, or the caller's port. */
    record Said(
            String action,
            String outcome,
            String subject,
            Map<String, String> claims,
            String previousOwner,
            long previousFencingToken,
            long fencingToken,
            String reason,
            String peerHost) {
        static Said of(AuditRecord r) {
            return new Said(
                    r.getAction(),
                    r.getOutcome(),
                    r.getSubject(),
                    r.getClaimsMap(),
                    r.getPreviousOwner(),
                    r.getPreviousFencingToken(),
                    r.getFencingToken(),
                    r.getReason(),
                    r.getPeer().replaceAll(":\\d+$", ""));
        }
    }

    @Test
    void aCycleOverGrpcAndOverHttpLeavesTheSameRecords() throws Exception {
        String prefix = "teams/acme/network/" + UUID.randomUUID() + "/";
        String overGrpc = prefix + "grpc.tfstate";
        String overHttp = prefix + "http.tfstate";

        var locks = GrpcChannels.locks(channel, DEPLOY);
        AcquireResponse lease = locks.acquire(AcquireRequest.newBuilder()
                .setKey(overGrpc)
                .setOwner("runner@ci")
                .setTtl(Duration.newBuilder().setSeconds(60))
                .build());
        new StateClient(channel)
                .as(DEPLOY)
                .put(
                        PutStateHeader.newBuilder()
                                .setKey(overGrpc)
                                .setLeaseId(lease.getLeaseId())
                                .setFencingToken(lease.getFencingToken())
                                .build(),
                        STATE);
        assertThat(locks.release(ReleaseRequest.newBuilder()
                                .setKey(overGrpc)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();

        TerraformHttp tf = new TerraformHttp(GrpcChannels.testPort(), overHttp).withBasicAuth("token", DEPLOY);
        String id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "runner@ci")).statusCode()).isEqualTo(200);
        assertThat(tf.post(id, STATE).statusCode()).isEqualTo(200);
        assertThat(tf.unlock(lockInfo(id, "runner@ci")).statusCode()).isEqualTo(200);

        List<Said> grpc = said(overGrpc);
        assertThat(grpc)
                .extracting(Said::action, Said::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("acquire", "granted"),
                        org.assertj.core.groups.Tuple.tuple("put-state", "stored"),
                        org.assertj.core.groups.Tuple.tuple("release", "released"));
        assertThat(grpc).allSatisfy(s -> assertThat(s.subject()).isEqualTo(JwtResource.DEPLOY_SUBJECT));
        assertThat(said(overHttp)).isEqualTo(grpc);
    }

    List<Said> said(String key) {
        assertThat(trail.flush(java.time.Duration.ofSeconds(10)))
                .as("audit flushed")
                .isTrue();
        return GrpcChannels.locks(channel, ADMIN)
                .audit(AuditRequest.newBuilder().setPrefix(key).build())
                .getRecordsList()
                .stream()
                .map(Said::of)
                .toList();
    }
}
