package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.ListResponse;
import io.statelock.proto.v1.LockEvent;
import io.statelock.proto.v1.LockHeld;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.LockStatus;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.ValidateFenceRequest;
import io.statelock.proto.v1.WatchRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.QueuedAnswers;
import io.statelock.testing.Secrets;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The LockService through the real gRPC server, on the embedded store. */
@QuarkusTest
class LockServiceGrpcTest extends ChannelTest {
    LockServiceGrpc.LockServiceBlockingStub locks;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static String key() {
        return "test/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    static AcquireRequest.Builder acquire(String key, String owner) {
        return AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner(owner)
                .setTtl(seconds(30))
                .setInfo(LockInfo.newBuilder()
                        .setOperation("apply")
                        .setWho(owner)
                        .putLabels("pipeline", "42"));
    }

    static Duration seconds(long s) {
        return Duration.newBuilder().setSeconds(s).build();
    }

    static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) throws Exception {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).isNotNull();
        for (com.google.protobuf.Any any : status.getDetailsList()) {
            if (any.is(type)) return any.unpack(type);
        }
        throw new AssertionError("no " + type.getSimpleName() + " detail in " + status);
    }

    @Test
    void acquireDescribeHeartbeatRelease() {
        String key = key();
        AcquireResponse lease = locks.acquire(acquire(key, "ci@runner-1").build());
        assertThat(lease.getFencingToken()).isEqualTo(1);
        assertThat(lease.getTtl().getSeconds()).isEqualTo(30);
        assertThat(lease.getLeaseId()).hasSizeGreaterThanOrEqualTo(22);

        LockStatus status =
                locks.describe(DescribeRequest.newBuilder().setKey(key).build());
        assertThat(status.getHeld()).isTrue();
        assertThat(status.getOwner()).isEqualTo("ci@runner-1");
        assertThat(status.getInfo().getOperation()).isEqualTo("apply");
        assertThat(status.getInfo().getLabelsMap()).containsEntry("pipeline", "42");
        assertThat(status.getFencingToken()).isEqualTo(1);
        assertThat(status.getLeaseIdHint()).isNotEmpty();
        assertThat(lease.getLeaseId()).doesNotContain(status.getLeaseIdHint());
        Secrets.assertNoPartOf("Describe's answer", status.toString(), lease.getLeaseId());

        HeartbeatResponse renewed = locks.heartbeat(HeartbeatRequest.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .setTtl(seconds(60))
                .build());
        assertThat(renewed.getTtl().getSeconds()).isEqualTo(60);
        assertThat(renewed.getExpiresAt().getSeconds())
                .isGreaterThan(lease.getExpiresAt().getSeconds());

        assertThat(locks.validateFence(ValidateFenceRequest.newBuilder()
                                .setKey(key)
                                .setFencingToken(1)
                                .build())
                        .getCurrent())
                .isTrue();
        assertThat(locks.release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();
        assertThat(locks.release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isFalse();
        LockStatus after =
                locks.describe(DescribeRequest.newBuilder().setKey(key).build());
        assertThat(after.getHeld()).isFalse();
        assertThat(after.getFencingToken()).isEqualTo(1);
        assertThat(locks.acquire(acquire(key, "ci@runner-2").build()).getFencingToken())
                .isEqualTo(2);
    }

    @Test
    void heldLockIsAbortedWithLockHeldDetail() throws Exception {
        String key = key();
        locks.acquire(acquire(key, "alice").build());
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.acquire(acquire(key, "bob").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        LockHeld held = detail(e, LockHeld.class);
        assertThat(held.getHolder().getOwner()).isEqualTo("alice");
        assertThat(held.getHolder().getInfo().getOperation()).isEqualTo("apply");
        assertThat(held.getHolder().getFencingToken()).isEqualTo(1);
        assertThat(held.getHolder().hasExpiresAt()).isTrue();
    }

    @Test
    void waitingAcquireEndsWithLockHeldAfterItsTimeout() throws Exception {
        String key = key();
        locks.acquire(acquire(key, "alice").build());
        long start = System.nanoTime();
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.acquire(
                        acquire(key, "bob").setWaitTimeout(seconds(1)).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(detail(e, LockHeld.class).getHolder().getOwner()).isEqualTo("alice");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
    }

    @Test
    void waitNeverRunsPastTheCallDeadline() throws Exception {
        String key = key();
        locks.acquire(acquire(key, "alice").build());
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> LockServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
                        .acquire(
                                acquire(key, "bob").setWaitTimeout(seconds(600)).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(detail(e, LockHeld.class).getHolder().getOwner()).isEqualTo("alice");
    }

    @Test
    void heartbeatWithAnUnknownLeaseIsFailedPreconditionWithLeaseLost() throws Exception {
        String key = key();
        locks.acquire(acquire(key, "alice").build());
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.heartbeat(HeartbeatRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId("forged")
                        .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(detail(e, LeaseLost.class).getCurrent().getOwner()).isEqualTo("alice");
    }

    @Test
    void heartbeatAfterExpiryIsRefusedEvenBeforeAnyTakeover() throws Exception {
        String key = key();
        AcquireResponse lease =
                locks.acquire(acquire(key, "alice").setTtl(seconds(1)).build());
        Thread.sleep(1300);
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.heartbeat(HeartbeatRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(detail(e, LeaseLost.class).getCurrent().getHeld()).isFalse();
    }

    @Test
    void expiredLeaseIsTakenOverWithAHigherFence() throws Exception {
        String key = key();
        AcquireResponse first =
                locks.acquire(acquire(key, "crashed-runner").setTtl(seconds(1)).build());
        // Takeable after expiresAt + max-clock-skew (1 s): waiting lets the server pick the moment.
        AcquireResponse second =
                locks.acquire(acquire(key, "next").setWaitTimeout(seconds(10)).build());
        assertThat(second.getFencingToken()).isGreaterThan(first.getFencingToken());
        assertThat(locks.describe(DescribeRequest.newBuilder().setKey(key).build())
                        .getOwner())
                .isEqualTo("next");
    }

    @Test
    void idempotentAcquireReturnsTheSameLeaseOnlyWithARequestId() {
        String key = key();
        AcquireResponse first =
                locks.acquire(acquire(key, "ci").setRequestId("r-1").build());
        AcquireResponse retry =
                locks.acquire(acquire(key, "ci").setRequestId("r-1").build());
        assertThat(retry.getLeaseId()).isEqualTo(first.getLeaseId());
        assertThat(retry.getFencingToken()).isEqualTo(first.getFencingToken());
        String other = key();
        locks.acquire(acquire(other, "ci").build());
        assertThatThrownBy(() -> locks.acquire(acquire(other, "ci").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
    }

    @Test
    void forceReleaseWithStaleAndCurrentExpectedToken() throws Exception {
        String key = key();
        AcquireResponse lease = locks.acquire(acquire(key, "alice").build());
        StatusRuntimeException stale = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.forceRelease(ForceReleaseRequest.newBuilder()
                        .setKey(key)
                        .setReason("cleanup")
                        .setExpectedFencingToken(lease.getFencingToken() + 5)
                        .build()));
        assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(locks.describe(DescribeRequest.newBuilder().setKey(key).build())
                        .getHeld())
                .isTrue();

        StatusRuntimeException noReason = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.forceRelease(
                        ForceReleaseRequest.newBuilder().setKey(key).build()));
        assertThat(noReason.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        var broken = locks.forceRelease(ForceReleaseRequest.newBuilder()
                .setKey(key)
                .setReason("runner died")
                .setExpectedFencingToken(lease.getFencingToken())
                .build());
        assertThat(broken.getReleased()).isTrue();
        assertThat(broken.getPrevious().getOwner()).isEqualTo("alice");
        assertThat(locks.describe(DescribeRequest.newBuilder().setKey(key).build())
                        .getHeld())
                .isFalse();
        StatusRuntimeException lost = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.heartbeat(HeartbeatRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .build()));
        assertThat(lost.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void badArgumentsAreInvalidArgumentWithFieldViolations() throws Exception {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.acquire(AcquireRequest.newBuilder()
                        .setKey("/etc/passwd")
                        .setOwner("")
                        .setTtl(Duration.newBuilder().setSeconds(7200))
                        .build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        BadRequest bad = detail(e, BadRequest.class);
        assertThat(bad.getFieldViolationsList())
                .extracting(BadRequest.FieldViolation::getField)
                .contains("key", "owner");
        StatusRuntimeException ttl = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.acquire(acquire(key(), "o")
                        .setTtl(Duration.newBuilder().setSeconds(7200))
                        .build()));
        assertThat(detail(ttl, BadRequest.class).getFieldViolations(0).getField())
                .isEqualTo("ttl");
        StatusRuntimeException labels = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.acquire(acquire(key(), "o")
                        .setInfo(LockInfo.newBuilder().setInfo("x".repeat(5000)))
                        .build()));
        assertThat(detail(labels, BadRequest.class).getFieldViolations(0).getField())
                .isEqualTo("info");
        StatusRuntimeException describe = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> locks.describe(
                        DescribeRequest.newBuilder().setKey("a/../b").build()));
        assertThat(describe.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void listPagesByPrefixAndFiltersHeld() {
        String prefix = "list/" + UUID.randomUUID() + "/";
        for (int i = 0; i < 5; i++) {
            AcquireResponse lease =
                    locks.acquire(acquire(prefix + "k" + i, "o" + i).build());
            if (i % 2 == 1)
                locks.release(ReleaseRequest.newBuilder()
                        .setKey(prefix + "k" + i)
                        .setLeaseId(lease.getLeaseId())
                        .build());
        }
        ListResponse page1 = locks.list(
                ListRequest.newBuilder().setPrefix(prefix).setPageSize(2).build());
        assertThat(page1.getLocksList()).extracting(LockStatus::getKey).containsExactly(prefix + "k0", prefix + "k1");
        assertThat(page1.getNextPageToken()).isNotEmpty();
        ListResponse page2 = locks.list(ListRequest.newBuilder()
                .setPrefix(prefix)
                .setPageSize(2)
                .setPageToken(page1.getNextPageToken())
                .build());
        assertThat(page2.getLocksList()).extracting(LockStatus::getKey).containsExactly(prefix + "k2", prefix + "k3");
        ListResponse held = locks.list(
                ListRequest.newBuilder().setPrefix(prefix).setHeldOnly(true).build());
        assertThat(held.getLocksList())
                .extracting(LockStatus::getKey)
                .containsExactly(prefix + "k0", prefix + "k2", prefix + "k4");
        assertThat(held.getLocksList()).allMatch(LockStatus::getHeld);
    }

    @Test
    void keepAliveRenewsOnOneStreamAndEndsWithLeaseLost() throws Exception {
        String key = key();
        AcquireResponse lease = locks.acquire(acquire(key, "long-apply").build());
        QueuedAnswers<HeartbeatResponse> answers = new QueuedAnswers<>();
        BlockingQueue<Object> received = answers.queue();
        StreamObserver<HeartbeatRequest> requests =
                LockServiceGrpc.newStub(channel).keepAlive(answers);
        HeartbeatRequest beat = HeartbeatRequest.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .build();
        for (int i = 0; i < 3; i++) {
            requests.onNext(beat);
            Object r = received.poll(10, TimeUnit.SECONDS);
            assertThat(r).isInstanceOf(HeartbeatResponse.class);
            assertThat(((HeartbeatResponse) r).getFencingToken()).isEqualTo(lease.getFencingToken());
        }
        locks.forceRelease(
                ForceReleaseRequest.newBuilder().setKey(key).setReason("test").build());
        requests.onNext(beat);
        Object end = received.poll(10, TimeUnit.SECONDS);
        assertThat(end).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) end).getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void watchSendsASnapshotThenLocalChanges() {
        String key = key();
        Iterator<LockEvent> events = LockServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .watch(WatchRequest.newBuilder().setKey(key).build());
        LockEvent snapshot = events.next();
        assertThat(snapshot.getStatus().getKey()).isEqualTo(key);
        assertThat(snapshot.getStatus().getHeld()).isFalse();
        AcquireResponse lease = locks.acquire(acquire(key, "watched").build());
        LockEvent acquired = events.next();
        assertThat(acquired.getType()).isEqualTo(LockEvent.Type.ACQUIRED);
        assertThat(acquired.getStatus().getOwner()).isEqualTo("watched");
        locks.release(ReleaseRequest.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .build());
        assertThat(events.next().getType()).isEqualTo(LockEvent.Type.RELEASED);
    }

    @Test
    void standardHealthServiceAnswers() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
}
