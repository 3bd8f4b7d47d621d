package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.audit.AuditEntry;
import io.statelock.audit.AuditTrail;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateCommit;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.proto.v1.StateVersion;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.ServiceChecks;
import io.statelock.testing.StateClient;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upload becomes a version only after its commit: every way a client can stop short (a cancel after some
 * bytes, after the header only, after the whole body, a half-close without the commit, a commit that names
 * another size) leaves the current version as it was, no spool file, and a {@code refused} audit record.
 */
@QuarkusTest
class CancelledUploadGrpcTest extends ChannelTest {
    @Inject
    AuditTrail trail;

    String key;
    AcquireResponse lease;
    StateVersion current;

    @BeforeEach
    void holdAKeyWithOneVersion() throws Exception {
        key = "cancels/" + UUID.randomUUID() + "/terraform.tfstate";
        lease = LockServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .acquire(AcquireRequest.newBuilder()
                        .setKey(key)
                        .setOwner("ci-cancel")
                        .build());
        current = new StateClient(channel).put(StateServiceGrpcTest.header(key, lease, ""), StateServiceGrpcTest.tf(1));
    }

    @Test
    void aCancelAfterThirtyBytesStoresNothing() throws Exception {
        Outcome o = send(List.of(header(), chunk(30)), End.CANCEL);
        assertThat(o.code()).isEqualTo(Status.Code.CANCELLED);
        assertNothingStored(1);
    }

    @Test
    void aCancelAfterTheHeaderOnlyStoresNothing() throws Exception {
        send(List.of(header()), End.CANCEL);
        assertNothingStored(1);
    }

    @Test
    void aWholeBodyCancelledBeforeItsCommitStoresNothing() throws Exception {
        send(List.of(header(), chunk(StateServiceGrpcTest.tf(2))), End.CANCEL);
        assertNothingStored(1);
    }

    @Test
    void aWholeBodyCommittedThenCancelledBeforeTheHalfCloseStoresNothing() throws Exception {
        byte[] body = StateServiceGrpcTest.tf(2);
        send(List.of(header(), chunk(body), commit(body.length)), End.CANCEL);
        assertNothingStored(1);
    }

    @Test
    void aStreamThatEndsWithoutItsCommitIsRefusedAndStoresNothing() throws Exception {
        Outcome o = send(List.of(header(), chunk(StateServiceGrpcTest.tf(2))), End.HALF_CLOSE);
        assertThat(o.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(o.message()).contains("commit").contains("nothing stored");
        assertNothingStored(1);
    }

    @Test
    void aCommitThatNamesAnotherSizeIsRefusedAndStoresNothing() throws Exception {
        byte[] body = StateServiceGrpcTest.tf(2);
        Outcome o = send(List.of(header(), chunk(body), commit(body.length + 1)), End.HALF_CLOSE);
        assertThat(o.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(o.message()).contains("announces " + (body.length + 1) + " bytes but " + body.length + " arrived");
        assertNothingStored(1);
    }

    @Test
    void aMessageAfterTheCommitIsRefusedAndStoresNothing() throws Exception {
        byte[] body = StateServiceGrpcTest.tf(2);
        Outcome o = send(List.of(header(), chunk(body), commit(body.length), chunk(3)), End.HALF_CLOSE);
        assertThat(o.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(o.message()).contains("after the commit");
        assertNothingStored(1);
    }

    @Test
    void aCommitWithTheWrongDigestIsRefusedAndStoresNothing() throws Exception {
        byte[] body = StateServiceGrpcTest.tf(2);
        PutStateRequest wrong = PutStateRequest.newBuilder()
                .setCommit(PutStateCommit.newBuilder()
                        .setSize(body.length)
                        .setSha256(StateServiceGrpcTest.sha256(StateServiceGrpcTest.tf(3))))
                .build();
        Outcome o = send(List.of(header(), chunk(body), wrong), End.HALF_CLOSE);
        assertThat(o.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertNothingStored(1);
    }

    @Test
    void aCommittedUploadIsStoredWithTheCommitsDigestChecked() throws Exception {
        byte[] body = StateServiceGrpcTest.tf(2);
        PutStateRequest commit = PutStateRequest.newBuilder()
                .setCommit(
                        PutStateCommit.newBuilder().setSize(body.length).setSha256(StateServiceGrpcTest.sha256(body)))
                .build();
        Outcome o = send(List.of(header(), chunk(body), commit), End.HALF_CLOSE);
        assertThat(o.code()).isEqualTo(Status.Code.OK);
        assertThat(o.version().getVersion()).isEqualTo("2");
        assertThat(versions()).isEqualTo(2);
    }

    private PutStateRequest header() {
        return PutStateRequest.newBuilder()
                .setHeader(StateServiceGrpcTest.header(key, lease, ""))
                .build();
    }

    private static PutStateRequest chunk(int size) {
        return chunk(new byte[size]);
    }

    private static PutStateRequest chunk(byte[] bytes) {
        return PutStateRequest.newBuilder().setChunk(ByteString.copyFrom(bytes)).build();
    }

    private static PutStateRequest commit(long size) {
        return PutStateRequest.newBuilder()
                .setCommit(PutStateCommit.newBuilder().setSize(size))
                .build();
    }

    enum End {
        CANCEL,
        HALF_CLOSE
    }

    record Outcome(Status.Code code, String message, StateVersion version) {}

    /** Sends the messages, then cancels or half-closes; the call's answer. */
    private Outcome send(List<PutStateRequest> messages, End end) throws Exception {
        CompletableFuture<StateVersion> result = new CompletableFuture<>();
        var call = (ClientCallStreamObserver<PutStateRequest>) StateServiceGrpc.newStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .putState(new StreamObserver<>() {
                    public void onNext(StateVersion v) {
                        result.complete(v);
                    }

                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    public void onCompleted() {}
                });
        for (PutStateRequest m : messages) call.onNext(m);
        if (end == End.CANCEL) {
            // Let the messages reach the service first: a cancel that overtakes them tests nothing.
            Thread.sleep(300);
            call.cancel("the CI job was cancelled", null);
        } else {
            call.onCompleted();
        }
        try {
            return new Outcome(Status.Code.OK, "", result.get(30, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            Status s = Status.fromThrowable(e.getCause());
            return new Outcome(s.getCode(), String.valueOf(s.getDescription()), null);
        }
    }

    private long versions() {
        return StateServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .listVersions(ListVersionsRequest.newBuilder().setKey(key).build())
                .getVersionsCount();
    }

    /** The key still has only its first version, the spool is empty, and the give-up is audited as refused. */
    private void assertNothingStored(int versions) throws Exception {
        List<AuditEntry> refused = new ArrayList<>();
        // Up to 10 s: the service hears of a cancel after the client does.
        for (int i = 0; i < 200 && refused.isEmpty(); i++) {
            assertThat(trail.flush(java.time.Duration.ofSeconds(10))).isTrue();
            trail.query(key, 0, Long.MAX_VALUE, 100, "").entries().stream()
                    .filter(e -> e.action().equals("put-state") && e.outcome().equals("refused"))
                    .forEach(refused::add);
            if (refused.isEmpty()) Thread.sleep(50);
        }
        assertThat(refused).as("the refused upload's audit record").hasSize(1);
        assertThat(refused.get(0).reason()).contains("nothing stored");
        ServiceChecks.assertSpoolEmpties();
        assertThat(versions()).as("versions of " + key).isEqualTo(versions);
        // Later writes still work under the same lease.
        StateVersion next =
                new StateClient(channel).put(StateServiceGrpcTest.header(key, lease, ""), StateServiceGrpcTest.tf(5));
        assertThat(next.getVersion()).isEqualTo(String.valueOf(versions + 1));
    }
}
