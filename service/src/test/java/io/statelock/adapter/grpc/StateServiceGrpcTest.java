package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.ListVersionsResponse;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.RollbackRequest;
import io.statelock.proto.v1.StateConflict;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.proto.v1.StateVersion;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.StateClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The StateService through the real gRPC server: fenced writes, streaming, history, errors. */
@QuarkusTest
class StateServiceGrpcTest extends ChannelTest {
    LockServiceGrpc.LockServiceBlockingStub locks;
    StateServiceGrpc.StateServiceBlockingStub states;
    StateClient client;
    String key;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        states = StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        client = new StateClient(channel);
        key = "state/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    AcquireResponse acquire(String owner, long ttlSeconds) {
        return locks.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner(owner)
                .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttlSeconds))
                .build());
    }

    static PutStateHeader header(String key, AcquireResponse lease, String sha256) {
        return PutStateHeader.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .setFencingToken(lease.getFencingToken())
                .setSha256(sha256)
                .build();
    }

    static byte[] tf(long serial) {
        return ("{\"version\":4,\"serial\":" + serial + ",\"lineage\":\"L\",\"resources\":[]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static Status.Code code(Throwable t) {
        return Status.fromThrowable(t).getCode();
    }

    @Test
    void aMultiChunkStateRoundTripsWithItsDigestAndFence() throws Exception {
        AcquireResponse lease = acquire("ci-1", 30);
        byte[] data = new byte[3 * StateClient.CHUNK + 12_345];
        new Random(7).nextBytes(data);

        StateVersion put = client.put(header(key, lease, sha256(data)), data);
        byte[] back = client.get(key, "");

        assertThat(put.getVersion()).isEqualTo("1");
        assertThat(put.getSize()).isEqualTo(data.length);
        assertThat(put.getSha256()).isEqualTo(sha256(data));
        assertThat(put.getFencingToken()).isEqualTo(lease.getFencingToken());
        assertThat(put.getWrittenBy()).isEqualTo("ci-1");
        assertThat(put.getWrittenAt().getSeconds()).isPositive();
        assertThat(back).isEqualTo(data);
    }

    @Test
    void aWriterWhoseLeaseWasBrokenGetsLeaseLostAndThePointerStays() throws Exception {
        AcquireResponse old = acquire("ci-old", 30);
        client.put(header(key, old, ""), tf(1));
        locks.forceRelease(ForceReleaseRequest.newBuilder()
                .setKey(key)
                .setReason("runner hung")
                .build());
        AcquireResponse fresh = acquire("ci-new", 30);

        assertThatThrownBy(() -> client.put(header(key, old, ""), tf(2)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    try {
                        LeaseLost lost = LockServiceGrpcTest.detail(e, LeaseLost.class);
                        assertThat(lost.getCurrent().getOwner()).isEqualTo("ci-new");
                        assertThat(lost.getCurrent().getFencingToken()).isEqualTo(fresh.getFencingToken());
                    } catch (Exception ex) {
                        throw new AssertionError(ex);
                    }
                });
        assertThat(client.get(key, "")).isEqualTo(tf(1));
    }

    @Test
    void anExpiredLeaseCannotWriteEvenIfNobodyTookTheKey() throws Exception {
        AcquireResponse lease = acquire("ci-slow", 1);
        Thread.sleep(1_300); // a paused runner: its 1 s lease has expired

        assertThatThrownBy(() -> client.put(header(key, lease, ""), tf(1)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> client.get(key, ""))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aWrongDigestIsInvalidArgumentAndAnOlderSerialIsRefused() throws Exception {
        AcquireResponse lease = acquire("ci", 30);
        client.put(header(key, lease, ""), tf(5));

        assertThatThrownBy(() -> client.put(header(key, lease, sha256(tf(7))), tf(6)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> client.put(header(key, lease, ""), tf(4)))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining("serial");
        assertThat(client.get(key, "")).isEqualTo(tf(5));
    }

    @Test
    void aSerialOrLineageConflictCarriesStateConflictNotLeaseLost() throws Exception {
        AcquireResponse lease = acquire("ci", 30);
        client.put(header(key, lease, ""), tf(5));
        byte[] otherLineage =
                "{\"version\":4,\"serial\":9,\"lineage\":\"OTHER\",\"resources\":[]}".getBytes(StandardCharsets.UTF_8);

        StateConflict behind = conflict(() -> client.put(header(key, lease, ""), tf(4)));
        StateConflict lineage = conflict(() -> client.put(header(key, lease, ""), otherLineage));

        assertThat(behind.getReason()).isEqualTo(StateConflict.Reason.SERIAL_BEHIND);
        assertThat(behind.getKey()).isEqualTo(key);
        assertThat(behind.getCurrentVersion()).isEqualTo("1");
        assertThat(behind.getCurrentSerial()).isEqualTo(5);
        assertThat(behind.getCurrentLineage()).isEqualTo("L");
        assertThat(behind.getAttemptedSerial()).isEqualTo(4);
        assertThat(behind.getAttemptedLineage()).isEqualTo("L");
        assertThat(lineage.getReason()).isEqualTo(StateConflict.Reason.LINEAGE_MISMATCH);
        assertThat(lineage.getAttemptedSerial()).isEqualTo(9);
        assertThat(lineage.getAttemptedLineage()).isEqualTo("OTHER");
        assertThat(lineage.getCurrentLineage()).isEqualTo("L");
        // The lease was never in question: the holder writes on.
        assertThat(client.put(header(key, lease, ""), tf(6)).getVersion()).isEqualTo("2");
    }

    /** The StateConflict detail of a FAILED_PRECONDITION that has no LeaseLost detail. */
    static StateConflict conflict(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        java.util.List<StateConflict> found = new java.util.ArrayList<>();
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION);
            com.google.rpc.Status rich = io.grpc.protobuf.StatusProto.fromThrowable(e);
            assertThat(rich.getDetailsList())
                    .noneSatisfy(d -> assertThat(d.is(LeaseLost.class)).isTrue());
            try {
                found.add(LockServiceGrpcTest.detail(e, StateConflict.class));
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        });
        return found.get(0);
    }

    @Test
    void historyAndRollback() throws Exception {
        AcquireResponse lease = acquire("ci", 30);
        for (int serial = 1; serial <= 3; serial++) client.put(header(key, lease, ""), tf(serial));

        ListVersionsResponse list = states.listVersions(
                ListVersionsRequest.newBuilder().setKey(key).setPageSize(2).build());
        assertThat(list.getVersionsList()).extracting(StateVersion::getVersion).containsExactly("3", "2");
        StateVersion rolled = states.rollback(RollbackRequest.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .setFencingToken(lease.getFencingToken())
                .setToVersion("1")
                .build());

        assertThat(rolled.getVersion()).isEqualTo("4");
        assertThat(rolled.getSha256()).isEqualTo(sha256(tf(1)));
        assertThat(client.get(key, "")).isEqualTo(tf(1));
        assertThat(client.get(key, "3")).isEqualTo(tf(3));
    }

    @Test
    void corruptedStoredBytesAreDataLossAndNotServed() throws Exception {
        AcquireResponse lease = acquire("ci", 30);
        client.put(header(key, lease, ""), tf(1));
        Path dir = ConfigProvider.getConfig().getValue("statelock.filesystem.dir", Path.class);
        try (var files = Files.walk(dir.resolve(key))) {
            Path object = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            Files.write(object, tf(9));
        }

        assertThatThrownBy(() -> client.get(key, ""))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.DATA_LOSS))
                .hasMessageContaining("digest");
    }
}
