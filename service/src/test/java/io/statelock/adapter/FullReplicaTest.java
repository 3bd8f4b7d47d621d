package io.statelock.adapter;

import static io.statelock.testing.TerraformHttp.lockInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.proto.v1.WatchRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.OfferedBytes;
import io.statelock.testing.ServiceChecks;
import io.statelock.testing.StateClient;
import io.statelock.testing.TerraformHttp;
import java.io.File;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A full replica. {@code statelock.state.min-free-space} set above what the test disk has free: every state
 * write is refused — RESOURCE_EXHAUSTED with RetryInfo over gRPC, 507 with Retry-After over HTTP — before its
 * body is read, nothing is stored, and the replica stays ready and keeps serving locks and reads. No room for
 * waiters or watch streams either: RESOURCE_EXHAUSTED with RetryInfo.
 */
@QuarkusTest
@TestProfile(FullReplicaTest.MarginAboveFreeSpace.class)
class FullReplicaTest extends ChannelTest {
    static final long GIB = 1024L * 1024 * 1024;
    static final long OFFERED = 64L * 1024 * 1024;
    /** Socket buffers may take a few MiB before the refusal reaches the client; never the whole body. */
    static final long READ_BOUND = 32L * 1024 * 1024;

    public static class MarginAboveFreeSpace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Spool and state directory live under target/: on this disk, whatever is free is 1 GiB too little.
            long free = new File("target").getAbsoluteFile().getUsableSpace();
            String dir = "target/test-data/" + UUID.randomUUID();
            return Map.of(
                    "statelock.state.min-free-space",
                    Long.toString(free + GIB),
                    "statelock.state.spool-dir",
                    dir + "/spool",
                    "statelock.filesystem.dir",
                    dir + "/state",
                    "statelock.wait.max-waiters",
                    "0",
                    "statelock.watch.max-streams",
                    "0");
        }
    }

    LockServiceGrpc.LockServiceBlockingStub locks;
    StateServiceGrpc.StateServiceBlockingStub states;
    String key;
    TerraformHttp tf;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        states = StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        key = "disk/" + UUID.randomUUID() + "/terraform.tfstate";
        tf = new TerraformHttp(GrpcChannels.testPort(), key);
    }

    void assertNothingStoredAndReady() throws Exception {
        assertThatThrownBy(() -> states.getState(
                                GetStateRequest.newBuilder().setKey(key).build())
                        .next())
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(states.listVersions(
                                ListVersionsRequest.newBuilder().setKey(key).build())
                        .getVersionsList())
                .isEmpty();
        assertThat(ServiceChecks.stateObjects(key)).isEmpty();
        ServiceChecks.assertSpoolEmpties();
        ServiceChecks.assertReady();
    }

    @Test
    void aPutStateIsResourceExhaustedWithRetryInfoAndStoresNothing() throws Exception {
        AcquireResponse lease = locks.acquire(
                AcquireRequest.newBuilder().setKey(key).setOwner("ci").build());
        OfferedBytes offered = new OfferedBytes(OFFERED);

        assertThatThrownBy(() -> new StateClient(channel)
                        .put(
                                PutStateHeader.newBuilder()
                                        .setKey(key)
                                        .setLeaseId(lease.getLeaseId())
                                        .setFencingToken(lease.getFencingToken())
                                        .build(),
                                offered))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription())
                            .contains("statelock.state.min-free-space")
                            .contains("nothing stored")
                            .doesNotContain("target/");
                    assertThat(retryDelaySeconds(e)).isEqualTo(60);
                });
        assertThat(offered.taken()).isLessThan(READ_BOUND);
        assertNothingStoredAndReady();
        // Locks are untouched by a full disk.
        assertThat(locks.acquire(AcquireRequest.newBuilder()
                                .setKey(key + ".other")
                                .setOwner("ci")
                                .build())
                        .getFencingToken())
                .isPositive();
    }

    @Test
    void aPostIs507WithRetryAfterChunkedOrNotAndStoresNothing() throws Exception {
        String id = UUID.randomUUID().toString();
        assertThat(tf.lock(lockInfo(id, "ci")).statusCode()).isEqualTo(200);

        OfferedBytes chunked = new OfferedBytes(OFFERED);
        HttpResponse<String> r =
                StateSizeLimitTest.post(tf, id, HttpRequest.BodyPublishers.ofInputStream(() -> chunked));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(507);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(r.body()).contains("statelock.state.min-free-space").doesNotContain("target/");
        assertThat(chunked.taken()).isLessThan(READ_BOUND);

        OfferedBytes declared = new OfferedBytes(OFFERED);
        r = StateSizeLimitTest.post(
                tf,
                id,
                HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> declared), OFFERED));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(507);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(declared.taken()).isLessThan(READ_BOUND);

        assertNothingStoredAndReady();
        assertThat(tf.get().statusCode()).isEqualTo(404);
        assertThat(tf.unlock(lockInfo(id, "ci")).statusCode()).isEqualTo(200);
    }

    @Test
    void aWaiterAndAWatchAreResourceExhaustedWithRetryInfo() {
        locks.acquire(
                AcquireRequest.newBuilder().setKey(key).setOwner("holder").build()); // a free key is still granted
        StatusRuntimeException waiter = refused(() -> locks.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("ci")
                .setWaitTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(10))
                .build()));
        StatusRuntimeException watch = refused(
                () -> locks.watch(WatchRequest.newBuilder().setKey(key).build()).next());

        assertThat(waiter.getStatus().getDescription()).contains("statelock.wait.max-waiters");
        for (StatusRuntimeException e : java.util.List.of(waiter, watch)) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(retryDelaySeconds(e)).isEqualTo(5);
        }
    }

    static StatusRuntimeException refused(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call was not refused");
    }

    static long retryDelaySeconds(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream()
                .filter(d -> d.is(RetryInfo.class))
                .findFirst()
                .map(FullReplicaTest::unpack)
                .orElseThrow()
                .getRetryDelay()
                .getSeconds();
    }

    private static RetryInfo unpack(com.google.protobuf.Any any) {
        try {
            return any.unpack(RetryInfo.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
