package io.statelock.adapter.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.statelock.adapter.metrics.RpcMetrics;
import io.statelock.audit.AuditEntry;
import io.statelock.audit.AuditPage;
import io.statelock.audit.AuditTrail;
import io.statelock.lock.Lease;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockStatus;
import io.statelock.lock.watch.WatchHub;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.AuditRequest;
import io.statelock.proto.v1.AuditResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.ForceReleaseResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.ListResponse;
import io.statelock.proto.v1.LockEvent;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.ReleaseResponse;
import io.statelock.proto.v1.ValidateFenceRequest;
import io.statelock.proto.v1.ValidateFenceResponse;
import io.statelock.proto.v1.WatchRequest;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import io.statelock.security.Operation;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;

/**
 * Thin gRPC adapter over {@link LockCoordinator}; every call runs through {@link CallRunner} (timed,
 * counted, errors mapped). Store calls block: acquire, heartbeat and release move to a worker thread
 * themselves ({@link CallRunner#offload}), the other methods are {@code @Blocking}. Acquire's flow is
 * {@link AcquireCall}, force-release's {@link ForceReleaseCall}.
 */
@GrpcService
public class LockGrpcService extends LockServiceGrpc.LockServiceImplBase {
    @Inject
    LockCoordinator locks;

    @Inject
    WatchHub watches;

    @Inject
    AccessGuard guard;

    @Inject
    RpcMetrics metrics;

    @Inject
    AuditTrail audit;

    private CallRunner calls;
    private AcquireCall acquires;
    private ForceReleaseCall forceReleases;
    private WatchCall watchCalls;

    @PostConstruct
    void init() {
        calls = new CallRunner(metrics);
        acquires = new AcquireCall(locks, guard, audit, calls);
        forceReleases = new ForceReleaseCall(locks, guard, audit);
        watchCalls = new WatchCall(watches, guard);
    }

    /** Requests that cannot be parsed are answered INVALID_ARGUMENT with the reason (see {@link StrictRequests}). */
    @Override
    public io.grpc.ServerServiceDefinition bindService() {
        return StrictRequests.of(super.bindService());
    }

    @Override
    public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> responses) {
        ServerCallStreamObserver<AcquireResponse> call = (ServerCallStreamObserver<AcquireResponse>) responses;
        long start = System.nanoTime();
        // gRPC takes the cancel handler only before the method returns; the wait it cancels starts later.
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        call.setOnCancelHandler(() -> cancelled.complete(null));
        StreamEnds.current().onEnd(() -> cancelled.complete(null)); // a reset the transport did not report as a cancel
        calls.offload("acquire", responses, start, () -> acquires.run(request, call, cancelled, start));
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
        long start = System.nanoTime();
        calls.offload(
                "heartbeat", responses, start, () -> calls.unary("heartbeat", start, responses, () -> renew(request)));
    }

    /** Heartbeats are not audited: one every few seconds per lease would drown the trail (and double the writes). */
    private HeartbeatResponse renew(HeartbeatRequest request) {
        LeaseOwner owner = underLease(Operation.HEARTBEAT, request.getKey());
        Lease lease = locks.heartbeat(
                ProtoMapper.key(request.getKey()),
                request.getLeaseId(),
                ProtoMapper.optionalTtl(request.hasTtl(), request.getTtl()),
                owner);
        return ProtoMapper.renewed(lease);
    }

    /**
     * Calls under a lease: the role here; the lease's own subject is checked by the store in the same
     * conditional write as the lease (no extra read, with auth on as off).
     */
    private LeaseOwner underLease(Operation operation, String key) {
        Caller caller = CallerInterceptor.current();
        guard.require(caller, operation, key);
        return guard.leaseOwner(caller, operation);
    }

    @Override
    @Blocking
    public StreamObserver<HeartbeatRequest> keepAlive(StreamObserver<HeartbeatResponse> responses) {
        return new KeepAliveStream(responses, this::renew, calls);
    }

    /** Answers the releaser first; the next waiter on this replica is then granted on this same thread. */
    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> responses) {
        long start = System.nanoTime();
        calls.offload("release", responses, start, () -> release(request, responses, start));
    }

    private void release(ReleaseRequest request, StreamObserver<ReleaseResponse> responses, long start) {
        boolean[] answered = {false};
        try {
            LeaseOwner owner = underLease(Operation.RELEASE, request.getKey());
            locks.releaseThen(ProtoMapper.key(request.getKey()), request.getLeaseId(), owner, outcome -> {
                // previous is null when the lease was not there (already released, broken or taken)
                audit.released(
                        CallerInterceptor.current(),
                        CallerInterceptor.peer(),
                        request.getKey(),
                        outcome.released(),
                        outcome.previous(),
                        "");
                answered[0] = true;
                responses.onNext(ReleaseResponse.newBuilder()
                        .setReleased(outcome.released())
                        .build());
                responses.onCompleted();
                calls.succeeded("release", start);
            });
        } catch (RuntimeException e) {
            // After the answer, a failing hand-off is the waiters' business (they are polled again), not the
            // releaser's.
            if (!answered[0]) responses.onError(calls.failed("release", e, start));
        }
    }

    @Override
    @Blocking
    public void describe(DescribeRequest request, StreamObserver<io.statelock.proto.v1.LockStatus> responses) {
        calls.unary("describe", responses, () -> {
            guard.require(CallerInterceptor.current(), Operation.DESCRIBE, request.getKey());
            return ProtoMapper.status(locks.describe(ProtoMapper.key(request.getKey())));
        });
    }

    @Override
    @Blocking
    public void list(ListRequest request, StreamObserver<ListResponse> responses) {
        calls.unary("list", responses, () -> {
            // A reading role on every key under the prefix (not only some): see AccessGuard.requirePrefix.
            guard.requirePrefix(CallerInterceptor.current(), Operation.LIST, request.getPrefix());
            LockCoordinator.StatusPage page = locks.list(
                    request.getPrefix(), request.getPageSize(), request.getPageToken(), request.getHeldOnly());
            ListResponse.Builder b = ListResponse.newBuilder().setNextPageToken(page.nextPageToken());
            for (LockStatus status : page.locks()) b.addLocks(ProtoMapper.status(status));
            return b.build();
        });
    }

    @Override
    @Blocking
    public void forceRelease(ForceReleaseRequest request, StreamObserver<ForceReleaseResponse> responses) {
        calls.unary("force_release", responses, () -> forceReleases.run(request));
    }

    @Override
    @Blocking
    public void validateFence(ValidateFenceRequest request, StreamObserver<ValidateFenceResponse> responses) {
        calls.unary("validate_fence", responses, () -> {
            guard.require(CallerInterceptor.current(), Operation.VALIDATE_FENCE, request.getKey());
            LockCoordinator.FenceCheck check =
                    locks.validateFence(ProtoMapper.key(request.getKey()), request.getFencingToken());
            return ValidateFenceResponse.newBuilder()
                    .setCurrent(check.current())
                    .setCurrentFencingToken(check.currentFencingToken())
                    .build();
        });
    }

    @Override
    @Blocking
    public void audit(AuditRequest request, StreamObserver<AuditResponse> responses) {
        calls.unary("audit", responses, () -> {
            Caller caller = CallerInterceptor.current();
            // Admin on the prefix itself ("**" for everything), then per row: admin on the row's key.
            guard.require(caller, Operation.AUDIT, AuditEntry.scopeOf(request.getPrefix()));
            long until = request.hasUntil() ? ProtoMapper.millis(request.getUntil(), "until") : Long.MAX_VALUE;
            AuditPage page = audit.query(
                    request.getPrefix(),
                    request.hasSince() ? ProtoMapper.millis(request.getSince(), "since") : 0,
                    until,
                    request.getPageSize(),
                    request.getPageToken());
            AuditResponse.Builder b = AuditResponse.newBuilder().setNextPageToken(page.nextPageToken());
            for (AuditEntry e : page.entries()) {
                // Rows the caller may not administer are left out; the page token still moves past them.
                if (guard.allows(caller, Operation.AUDIT, AuditEntry.scopeOf(e.key())))
                    b.addRecords(ProtoMapper.auditRecord(e));
            }
            return b.build();
        });
    }

    /** Blocking: the snapshot is read from the store before the first event; see {@link WatchCall}. */
    @Override
    @Blocking
    public void watch(WatchRequest request, StreamObserver<LockEvent> responses) {
        watchCalls.run(request, (ServerCallStreamObserver<LockEvent>) responses);
    }
}
