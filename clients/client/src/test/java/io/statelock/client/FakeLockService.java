package io.statelock.client;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.LockHeld;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.LockStatus;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.ReleaseResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A scriptable in-process LockService for testing the client's own behaviour. */
class FakeLockService extends LockServiceGrpc.LockServiceImplBase {
    enum Mode {
        OK,
        HANG,
        UNAVAILABLE,
        LOST
    }

    volatile Mode renewMode = Mode.OK;
    volatile boolean keepAliveUnimplemented;
    volatile boolean lockHeld;
    final AtomicInteger acquireFailuresLeft = new AtomicInteger();
    final List<String> acquireRequestIds = new CopyOnWriteArrayList<>();
    final AtomicInteger streamRenewals = new AtomicInteger();
    final AtomicInteger unaryRenewals = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();
    /** How release answers: OK is released=true, LOST is released=false (no longer held). */
    volatile Mode releaseMode = Mode.OK;
    /** Releases answered UNAVAILABLE before {@link #releaseMode} applies. */
    final AtomicInteger releaseFailuresLeft = new AtomicInteger();

    volatile long ttlMillis = 600;
    /** When set, a grant holds the key (lockHeld) until a release: one holder at a time. */
    volatile boolean exclusive;
    /** When set, an acquire of a held key that asks to wait is parked, never answered, until cancelled. */
    volatile boolean parkWaiters;

    final AtomicInteger parked = new AtomicInteger();
    final AtomicInteger cancelledWaits = new AtomicInteger();

    static LockStatus holder() {
        return LockStatus.newBuilder()
                .setKey("k")
                .setHeld(true)
                .setOwner("ci@runner-7")
                .setInfo(LockInfo.newBuilder().setOperation("apply").putLabels("env", "prod"))
                .setFencingToken(41)
                .setAcquiredAt(ts(Instant.now().minusSeconds(192)))
                .setExpiresAt(ts(Instant.now().plusSeconds(22)))
                .setLeaseIdHint("abc123")
                .build();
    }

    static Timestamp ts(Instant i) {
        return Timestamp.newBuilder()
                .setSeconds(i.getEpochSecond())
                .setNanos(i.getNano())
                .build();
    }

    @Override
    public void acquire(AcquireRequest req, StreamObserver<AcquireResponse> out) {
        acquireRequestIds.add(req.getRequestId());
        if (acquireFailuresLeft.getAndDecrement() > 0) {
            out.onError(Status.UNAVAILABLE.withDescription("store throttled").asRuntimeException());
            return;
        }
        boolean asksToWait =
                req.getWaitTimeout().getSeconds() > 0 || req.getWaitTimeout().getNanos() > 0;
        if (lockHeld && parkWaiters && asksToWait) {
            ((ServerCallStreamObserver<AcquireResponse>) out).setOnCancelHandler(cancelledWaits::incrementAndGet);
            parked.incrementAndGet();
            return;
        }
        boolean held;
        synchronized (this) {
            held = lockHeld;
            if (!held && exclusive) {
                lockHeld = true; // granted below: the next acquire finds the key held
            }
        }
        if (held) {
            out.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.ABORTED_VALUE)
                    .setMessage("held")
                    .addDetails(
                            Any.pack(LockHeld.newBuilder().setHolder(holder()).build()))
                    .build()));
            return;
        }
        out.onNext(AcquireResponse.newBuilder()
                .setKey(req.getKey())
                .setLeaseId("lease-1")
                .setFencingToken(42)
                .setExpiresAt(ts(Instant.now().plusMillis(ttlMillis)))
                .setTtl(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(ttlMillis / 1000)
                        .setNanos((int) (ttlMillis % 1000) * 1_000_000))
                .build());
        out.onCompleted();
    }

    private HeartbeatResponse renewal(HeartbeatRequest req) {
        return HeartbeatResponse.newBuilder()
                .setKey(req.getKey())
                .setLeaseId(req.getLeaseId())
                .setFencingToken(42)
                .setExpiresAt(ts(Instant.now().plusMillis(ttlMillis)))
                .setTtl(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(ttlMillis / 1000)
                        .setNanos((int) (ttlMillis % 1000) * 1_000_000))
                .build();
    }

    static io.grpc.StatusRuntimeException leaseLost() {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.FAILED_PRECONDITION_VALUE)
                .setMessage("lease lost")
                .addDetails(Any.pack(LeaseLost.newBuilder().setCurrent(holder()).build()))
                .build());
    }

    @Override
    public void heartbeat(HeartbeatRequest req, StreamObserver<HeartbeatResponse> out) {
        switch (renewMode) {
            case OK -> {
                unaryRenewals.incrementAndGet();
                out.onNext(renewal(req));
                out.onCompleted();
            }
            case HANG -> {}
            case UNAVAILABLE -> out.onError(Status.UNAVAILABLE.asRuntimeException());
            case LOST -> out.onError(leaseLost());
        }
    }

    @Override
    public StreamObserver<HeartbeatRequest> keepAlive(StreamObserver<HeartbeatResponse> out) {
        if (keepAliveUnimplemented) {
            out.onError(Status.UNIMPLEMENTED.asRuntimeException());
            return new StreamObserver<>() {
                @Override
                public void onNext(HeartbeatRequest value) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            };
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(HeartbeatRequest req) {
                switch (renewMode) {
                    case OK -> {
                        streamRenewals.incrementAndGet();
                        out.onNext(renewal(req));
                    }
                    case HANG -> {}
                    case UNAVAILABLE -> out.onError(Status.UNAVAILABLE.asRuntimeException());
                    case LOST -> out.onError(leaseLost());
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    @Override
    public void release(ReleaseRequest req, StreamObserver<ReleaseResponse> out) {
        releases.incrementAndGet();
        if (releaseFailuresLeft.getAndDecrement() > 0) {
            out.onError(Status.UNAVAILABLE.withDescription("answer lost").asRuntimeException());
            return;
        }
        if (exclusive && releaseMode == Mode.OK) {
            lockHeld = false;
        }
        switch (releaseMode) {
            case OK, LOST -> {
                out.onNext(ReleaseResponse.newBuilder()
                        .setReleased(releaseMode == Mode.OK)
                        .build());
                out.onCompleted();
            }
            case HANG -> {}
            case UNAVAILABLE ->
                out.onError(
                        Status.UNAVAILABLE.withDescription("store throttled").asRuntimeException());
        }
    }
}
