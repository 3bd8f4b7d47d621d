package io.statelock.adapter.http;

import static io.statelock.testing.TerraformHttp.body;
import static io.statelock.testing.TerraformHttp.lockInfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.LockStatus;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.Secrets;
import io.statelock.testing.TerraformHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The http backend driven exactly as Terraform and OpenTofu drive it, on the same locks as gRPC. */
@QuarkusTest
class TerraformHttpBackendTest extends ChannelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    LockServiceGrpc.LockServiceBlockingStub locks;
    String key;
    TerraformHttp tf;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        key = "tf/" + UUID.randomUUID() + "/terraform.tfstate";
        tf = new TerraformHttp(GrpcChannels.testPort(), key);
    }

    static byte[] state(long serial, String lineage) {
        return ("{\n  \"version\": 4,\n  \"terraform_version\": \"1.9.5\",\n  \"serial\": " + serial
                        + ",\n  \"lineage\": \"" + lineage + "\",\n  \"outputs\": {},\n  \"resources\": []\n}\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    LockStatus describe() {
        return locks.describe(DescribeRequest.newBuilder().setKey(key).build());
    }

    @Test
    void aPlainApplyLocksReadsWritesAndUnlocks() throws Exception {
        String id = UUID.randomUUID().toString();
        assertThat(tf.get().statusCode()).isEqualTo(404); // no state yet: Terraform starts empty

        assertThat(tf.lock(lockInfo(id, "alice@laptop")).statusCode()).isEqualTo(200);
        assertThat(describe().getOwner()).isEqualTo("alice@laptop");
        assertThat(describe().getInfo().getOperation()).isEqualTo("OperationTypeApply");
        assertThat(tf.post(id, state(1, "L")).statusCode()).isEqualTo(200);
        assertThat(tf.post(id, state(2, "L")).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> got = tf.get();
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(state(2, "L"));
        assertThat(got.headers().firstValue("Content-MD5"))
                .hasValue(Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("MD5").digest(state(2, "L"))));
        // Terraform's Unlock(id): the LockInfo it locked with, ID set.
        assertThat(tf.unlock(lockInfo(id, "alice@laptop")).statusCode()).isEqualTo(200);
        assertThat(describe().getHeld()).isFalse();
        assertThat(StateServiceGrpc.newBlockingStub(channel)
                        .listVersions(
                                ListVersionsRequest.newBuilder().setKey(key).build())
                        .getVersionsCount())
                .isEqualTo(2);
    }

    @Test
    void aSecondRunGets423WithAPublicIdAndTheRetriedLockOfTheFirstSucceeds() throws Exception {
        String first = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(first, "ci-1")).statusCode()).isEqualTo(200);
        // go-retryablehttp re-sends a LOCK whose answer was lost: same ID, same lease, no 423 to itself.
        assertThat(tf.lock(lockInfo(first, "ci-1")).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> held = tf.lock(lockInfo(UUID.randomUUID().toString(), "ci-2"));

        assertThat(held.statusCode()).isEqualTo(423);
        JsonNode holder = JSON.readTree(held.body());
        assertThat(holder.get("ID").asText()).isEqualTo("fence-" + describe().getFencingToken());
        assertThat(body(held)).doesNotContain(first); // Terraform's ID is a credential: never shown
        assertThat(holder.get("Who").asText()).isEqualTo("ci-1");
        assertThat(holder.get("Operation").asText()).isEqualTo("OperationTypeApply");
        assertThat(holder.get("Created").asText()).isEqualTo("2026-11-27T10:00:00.123456Z");
    }

    @Test
    void aStaleWriterGets409WithTheHolderAndNothingIsWritten() throws Exception {
        String old = UUID.randomUUID().toString();
        tf.lock(lockInfo(old, "ci-old"));
        tf.post(old, state(1, "L"));
        locks.forceRelease(ForceReleaseRequest.newBuilder()
                .setKey(key)
                .setReason("runner hung")
                .build());
        String fresh = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(fresh, "ci-new")).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> stale = tf.post(old, state(2, "L"));

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(stale.body()).get("Who").asText()).isEqualTo("ci-new");
        assertThat(body(stale)).doesNotContain(fresh);
        assertThat(tf.get().body()).isEqualTo(state(1, "L"));
        assertThat(tf.post("fence-" + describe().getFencingToken(), state(2, "L"))
                        .statusCode())
                .as("the public id is not a write credential")
                .isEqualTo(409);
    }

    @Test
    void olderSerialsAndOtherLineagesAreRefusedAndABadContentMd5StoresNothing() throws Exception {
        String id = UUID.randomUUID().toString();
        tf.lock(lockInfo(id, "ci"));
        tf.post(id, state(5, "L"));

        assertThat(tf.post(id, state(4, "L")).statusCode()).isEqualTo(409);
        assertThat(tf.post(id, state(6, "OTHER")).statusCode()).isEqualTo(409);
        byte[] body = state(6, "L");
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(tf.address() + "?ID=" + id))
                .header("Content-Type", "application/json")
                .header("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        assertThat(tf.client()
                        .send(request, HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(400);
        assertThat(tf.get().body()).isEqualTo(state(5, "L"));
    }

    @Test
    void forceUnlockWorksAsTerraformAndOpenTofuSendIt() throws Exception {
        tf.lock(lockInfo(UUID.randomUUID().toString(), "ci-1"));
        // Terraform's force-unlock: an empty body.
        assertThat(tf.send("UNLOCK", tf.address(), new byte[0]).statusCode()).isEqualTo(200);
        assertThat(describe().getHeld()).isFalse();

        tf.lock(lockInfo(UUID.randomUUID().toString(), "ci-2"));
        String publicId = "fence-" + describe().getFencingToken();
        // OpenTofu's force-unlock: LockInfo carrying the ID it was shown (the public one).
        assertThat(tf.unlock(lockInfo("fence-1", "x")).statusCode())
                .as("an old public id breaks nothing")
                .isEqualTo(409);
        assertThat(describe().getHeld()).isTrue();
        assertThat(tf.unlock(lockInfo(publicId, "x")).statusCode()).isEqualTo(200);
        assertThat(describe().getHeld()).isFalse();
    }

    @Test
    void aWrappedRunJoinsItsWrappersLeaseAndWritesFencedByIt() throws Exception {
        AcquireResponse wrapper = locks.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("statelock run")
                .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(30))
                .build());
        TerraformHttp child =
                new TerraformHttp(GrpcChannels.testPort(), key).withBasicAuth("statelock-lease", wrapper.getLeaseId());
        String id = UUID.randomUUID().toString();

        assertThat(child.lock(lockInfo(id, "terraform")).statusCode()).isEqualTo(200);
        assertThat(child.post(id, state(1, "L")).statusCode()).isEqualTo(200);
        assertThat(child.unlock(lockInfo(id, "terraform")).statusCode()).isEqualTo(200);
        assertThat(describe().getHeld())
                .as("the wrapper's lease outlives the child's unlock")
                .isTrue();
        var version = StateServiceGrpc.newBlockingStub(channel)
                .listVersions(ListVersionsRequest.newBuilder().setKey(key).build())
                .getVersions(0);
        assertThat(version.getFencingToken()).isEqualTo(wrapper.getFencingToken());
        // Without the lease, the same Terraform is just another runner: 423.
        assertThat(tf.lock(lockInfo(UUID.randomUUID().toString(), "other")).statusCode())
                .isEqualTo(423);

        locks.release(ReleaseRequest.newBuilder()
                .setKey(key)
                .setLeaseId(wrapper.getLeaseId())
                .build());
        assertThat(child.post(id, state(2, "L")).statusCode())
                .as("the wrapper's lease is gone")
                .isEqualTo(409);
        assertThat(tf.get().body()).isEqualTo(state(1, "L"));
    }

    @Test
    void deleteLeavesATombstoneAndAnUnlockedWriteIsStillFenced() throws Exception {
        assertThat(tf.post(null, state(1, "L")).statusCode()).isEqualTo(200); // terraform -lock=false
        assertThat(describe().getHeld()).isFalse();
        assertThat(tf.delete().statusCode()).isEqualTo(200);
        assertThat(tf.get().statusCode()).isEqualTo(404);

        tf.lock(lockInfo(UUID.randomUUID().toString(), "ci"));
        assertThat(tf.post(null, state(1, "L")).statusCode())
                .as("held by someone else")
                .isEqualTo(409);
        assertThat(tf.send("PATCH", tf.address(), null).statusCode()).isEqualTo(405);
    }

    /** Go's json.Unmarshal into Terraform's LockInfo: a string ID and an RFC 3339 Created, or the whole body fails. */
    static JsonNode terraformReadable(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.get("ID").asText()).as(body(r)).isNotEmpty();
        assertThat(n.get("Created").asText())
                .as(body(r))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
        java.time.OffsetDateTime.parse(n.get("Created").asText());
        return n;
    }

    @Test
    void aJoinedLockOfAFreeKeySaysWhyInTheIdTerraformPrints() throws Exception {
        // statelock run --key tf/<x> while the backend block addresses tf/<x>/terraform.tfstate.
        String runKey = key.substring(0, key.lastIndexOf('/'));
        AcquireResponse wrapper = locks.acquire(AcquireRequest.newBuilder()
                .setKey(runKey)
                .setOwner("statelock run")
                .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(30))
                .build());
        tf.lock(lockInfo(UUID.randomUUID().toString(), "earlier")); // an earlier fence on the addressed key ...
        tf.send("UNLOCK", tf.address(), new byte[0]); // ... which is free now
        TerraformHttp child =
                new TerraformHttp(GrpcChannels.testPort(), key).withBasicAuth("statelock-lease", wrapper.getLeaseId());

        HttpResponse<byte[]> refused = child.lock(lockInfo(UUID.randomUUID().toString(), "terraform"));

        assertThat(refused.statusCode()).isEqualTo(409);
        JsonNode n = terraformReadable(refused);
        assertThat(n.get("ID").asText())
                .as("not the stale fence of the free key")
                .isEqualTo(
                        "none: the lease of statelock run does not hold " + key + " (it is not locked): statelock run"
                                + " --key must name the key of the backend address, or its lease has ended");
        Secrets.assertNoPartOf("the refusal", body(refused), wrapper.getLeaseId());
        assertThat(describe().getHeld()).isFalse();
    }

    @Test
    void everyHoldersLockInfoCarriesATimeGoCanRead() throws Exception {
        // A client's LockInfo Created is only a label: one Go cannot parse must not make the holder unreadable.
        String odd = lockInfo(UUID.randomUUID().toString(), "ci-1").replace("2026-11-27T10:00:00.123456Z", "yesterday");
        assertThat(tf.lock(odd).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> held = tf.lock(lockInfo(UUID.randomUUID().toString(), "ci-2"));
        assertThat(held.statusCode()).isEqualTo(423);
        JsonNode n = terraformReadable(held);
        assertThat(n.get("ID").asText()).isEqualTo("fence-" + describe().getFencingToken());
        assertThat(java.time.Instant.parse(n.get("Created").asText()))
                .isEqualTo(java.time.Instant.ofEpochSecond(
                        describe().getAcquiredAt().getSeconds(),
                        describe().getAcquiredAt().getNanos()));
        // A stale writer's 409 carries the holder's LockInfo, readable the same way.
        terraformReadable(tf.post(UUID.randomUUID().toString(), state(1, "L")));
    }

    @Test
    void anUnlockWhoseLeaseIsGoneAnswers200AndLeavesTheNewHolderAlone() throws Exception {
        String lost = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(lost, "ci-1")).statusCode()).isEqualTo(200);
        locks.forceRelease(ForceReleaseRequest.newBuilder()
                .setKey(key)
                .setReason("test: lease lost")
                .build());
        String next = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(next, "ci-2")).statusCode()).isEqualTo(200);
        long fence = describe().getFencingToken();

        assertThat(tf.post(lost, state(1, "L")).statusCode())
                .as("the lost lease still writes nothing")
                .isEqualTo(409);
        HttpResponse<byte[]> unlock = tf.unlock(lockInfo(lost, "ci-1"));

        // Any other answer makes Terraform advise force-unlock, which would break ci-2's lock.
        assertThat(unlock.statusCode()).isEqualTo(200);
        assertThat(body(unlock))
                .contains("no longer holds " + key)
                .contains("nothing released")
                .doesNotContain(lost);
        assertThat(describe().getHeld()).isTrue();
        assertThat(describe().getFencingToken()).isEqualTo(fence);
        assertThat(tf.get().statusCode()).isEqualTo(404);
        assertThat(tf.unlock(lockInfo(next, "ci-2")).statusCode()).isEqualTo(200);
        assertThat(describe().getHeld()).isFalse();
    }
}
