package io.statelock.adapter;

import static io.statelock.testing.TerraformHttp.lockInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.testing.CapturedLog;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.DynaliteResource;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.LoopbackServer;
import io.statelock.testing.StateClient;
import io.statelock.testing.TerraformHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Locks on a working DynamoDB-API server, state objects on an S3 endpoint where nothing listens (a stopped
 * s3proxy): a state write fails in the blob store, and the writer gets a fixed text with an incident id —
 * not the bucket, the endpoint or the SDK's "Unable to execute HTTP request" — and nothing is stored.
 */
@QuarkusTest
@TestProfile(BlobStoreDownAnswersTest.S3Stopped.class)
class BlobStoreDownAnswersTest extends ChannelTest {
    static final String BUCKET =
            "statelock-stopped-" + UUID.randomUUID().toString().substring(0, 8);
    /** A loopback port nothing listens on: what a stopped s3proxy leaves. */
    static final int CLOSED_PORT = LoopbackServer.freePort();

    static final byte[] STATE = "{\"version\":4,\"serial\":1,\"lineage\":\"L\"}".getBytes(StandardCharsets.UTF_8);

    public static class S3Stopped implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DynaliteResource.class), new TestResourceEntry(StoppedS3.class));
        }
    }

    public static class StoppedS3 implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "statelock.blob",
                    "s3",
                    "statelock.s3.bucket",
                    BUCKET,
                    "quarkus.s3.endpoint-override",
                    "http://127.0.0.1:" + CLOSED_PORT,
                    "quarkus.s3.path-style-access",
                    "true",
                    "quarkus.s3.aws.region",
                    "us-east-1",
                    "quarkus.s3.aws.credentials.type",
                    "static",
                    "quarkus.s3.aws.credentials.static-provider.access-key-id",
                    "test",
                    "quarkus.s3.aws.credentials.static-provider.secret-access-key",
                    "test");
        }

        @Override
        public void stop() {}
    }

    LockServiceGrpc.LockServiceBlockingStub locks;
    StateServiceGrpc.StateServiceBlockingStub states;
    CapturedLog log;
    String key;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        states = StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        log = CapturedLog.of("io.statelock");
        key = "s3down/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    @AfterEach
    void close() throws InterruptedException {
        log.close();
    }

    static void assertRedacted(String told) {
        assertThat(told)
                .startsWith(Incidents.STORE_UNAVAILABLE)
                .doesNotContain(BUCKET)
                .doesNotContain(Integer.toString(CLOSED_PORT))
                .doesNotContain("127.0.0.1")
                .doesNotContainIgnoringCase("Unable to execute HTTP request")
                .doesNotContain("Exception")
                .doesNotContain("software.amazon");
    }

    void assertLoggedWithCause(String told) {
        Matcher m = StoreOutageAnswersTest.INCIDENT.matcher(told);
        assertThat(m.find()).as(told).isTrue();
        assertThat(log.linesWith(m.group(1)))
                .anySatisfy(l -> assertThat(l).contains(BUCKET).contains(Integer.toString(CLOSED_PORT)));
    }

    @Test
    void aPutStateThatFailsInTheBlobStoreIsUnavailableWithoutItsNamesAndStoresNothing() throws Exception {
        AcquireResponse lease = locks.acquire(
                AcquireRequest.newBuilder().setKey(key).setOwner("ci").build());

        assertThatThrownBy(() -> new StateClient(channel)
                        .put(
                                PutStateHeader.newBuilder()
                                        .setKey(key)
                                        .setLeaseId(lease.getLeaseId())
                                        .setFencingToken(lease.getFencingToken())
                                        .build(),
                                STATE))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertRedacted(e.getStatus().getDescription());
                    assertLoggedWithCause(e.getStatus().getDescription());
                });
        assertThat(states.listVersions(
                                ListVersionsRequest.newBuilder().setKey(key).build())
                        .getVersionsList())
                .isEmpty();
    }

    @Test
    void aPostThatFailsInTheBlobStoreIs503WithoutItsNames() throws Exception {
        TerraformHttp tf = new TerraformHttp(GrpcChannels.testPort(), key);
        String id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "ci")).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> r = tf.post(id, STATE);

        String told = TerraformHttp.body(r);
        assertThat(r.statusCode()).as(told).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertRedacted(told);
        assertLoggedWithCause(told);
        assertThat(states.listVersions(
                                ListVersionsRequest.newBuilder().setKey(key).build())
                        .getVersionsList())
                .isEmpty();
    }
}
