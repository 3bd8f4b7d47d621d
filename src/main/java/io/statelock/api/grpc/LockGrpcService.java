package io.statelock.api.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.statelock.audit.AuditTrail;
import io.statelock.lock.AcquireCommand;
import io.statelock.lock.Lease;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockStatus;
import io.statelock.lock.WatchHub;
import io.statelock.metrics.RpcMetrics;
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
import io.statelock.store.AuditEntry;
import io.statelock.store.AuditPage;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Thin gRPC adapter over {@link LockCoordinator}. Store calls block: acquire, heartbeat and release move
 * to a worker thread themselves ({@link WorkerHop}), the other methods are {@code @Blocking}. A waiting
 * Acquire returns at once and is answered later from a future, so it holds no thread.
 */
@GrpcService
public class LockGrpcService extends LockServiceGrpc.LockServiceImplBase {
    /** Answer a waiting acquire this long before the call's deadline, so the client sees LockHeld. */
    private static final long DEADLINE_MARGIN_MS = 200;

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
        offload("acquire", responses, start, () -> acquire(request, call, cancelled, start));
    }

    private void acquire(AcquireRequest request, ServerCallStreamObserver<AcquireResponse> call,
                         CompletableFuture<Void> cancelled, long start) {
        StreamObserver<AcquireResponse> responses = call;
        if (cancelled.isDone()) return; // the caller left while the call waited for a worker: take nothing
        try {
            Caller caller = CallerInterceptor.current();
            String peer = CallerInterceptor.peer(); // captured here: a waiting grant completes on another thread
            guard.require(caller, Operation.ACQUIRE, request.getKey());
            AcquireCommand command = ProtoMapper.command(asOwner(request, caller));
            CompletableFuture<Lease> grant = locks.acquire(command, boundedByDeadline(ProtoMapper.waitTimeout(request)));
            cancelled.thenRun(() -> grant.cancel(false)); // at once if the call is gone already
            grant.whenComplete((lease, error) -> {
                if (error != null) {
                    if (!call.isCancelled()) responses.onError(failed("acquire", error, start));
                    return;
                }
                auditGrant(caller, peer, lease);
                deliver(call, lease);
                metrics.completed("acquire", "OK", start);
            });
        } catch (RuntimeException e) {
            responses.onError(failed("acquire", e, start));
        }
    }

    /** Routine record, batched: an acquire, or a takeover when an expired lease was replaced. */
    private void auditGrant(Caller caller, String peer, Lease lease) {
        audit.record(audit.entry(caller, peer, lease.tookOver() ? "takeover" : "acquire", lease.key().value())
                .outcome("granted").previous(lease.previousOwner(), lease.previousFencingToken())
                .fencingToken(lease.fencingToken()).build());
    }

    /** Under jwt the lease owner is the token's subject; the requested owner stays as the display 'who'. */
    private AcquireRequest asOwner(AcquireRequest request, Caller caller) {
        String owner = guard.ownerFor(caller, request.getOwner());
        if (owner.equals(request.getOwner())) return request;
        AcquireRequest.Builder b = request.toBuilder().setOwner(owner);
        if (b.getInfo().getWho().isEmpty() && !request.getOwner().isEmpty()) {
            b.setInfo(b.getInfo().toBuilder().setWho(request.getOwner()));
        }
        return b.build();
    }

    /** A grant whose call went away as it was made is released at once, so the key passes on. */
    private void deliver(ServerCallStreamObserver<AcquireResponse> call, Lease lease) {
        if (call.isCancelled()) {
            releaseQuietly(lease);
            return;
        }
        try {
            call.onNext(ProtoMapper.acquired(lease));
            call.onCompleted();
        } catch (RuntimeException e) {
            releaseQuietly(lease);
        }
    }

    private void releaseQuietly(Lease lease) {
        try {
            locks.release(lease.key(), lease.leaseId());
        } catch (RuntimeException ignored) {
            // the lease then simply expires at its ttl
        }
    }

    /** The wait never runs past the call's deadline (minus a margin to send the answer). */
    private static Duration boundedByDeadline(Duration wait) {
        long remaining = CallDeadlines.remainingMillis();
        if (remaining < 0 || wait.isZero() || wait.isNegative()) return wait;
        long left = remaining - DEADLINE_MARGIN_MS;
        return Duration.ofMillis(Math.max(0, Math.min(wait.toMillis(), left)));
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
        long start = System.nanoTime();
        offload("heartbeat", responses, start, () -> unary("heartbeat", start, responses, () -> renew(request)));
    }

    /** The rest of the call on a worker thread; if the pool refuses it (shutting down), the caller is told. */
    private void offload(String rpc, StreamObserver<?> responses, long start, Runnable rest) {
        try {
            WorkerHop.run(() -> {
                try {
                    rest.run();
                } catch (RuntimeException e) {
                    // Not a failure the body answered itself (e.g. the stream refused onNext): end the call anyway.
                    try {
                        responses.onError(failed(rpc, e, start));
                    } catch (RuntimeException closed) {
                        // the call is over already
                    }
                }
            });
        } catch (RuntimeException e) {
            responses.onError(failed(rpc, e, start));
        }
    }

    /** Heartbeats are not audited: one every few seconds per lease would drown the trail (and double the writes). */
    private HeartbeatResponse renew(HeartbeatRequest request) {
        requireUnderLease(Operation.HEARTBEAT, request.getKey(), request.getLeaseId());
        Lease lease = locks.heartbeat(ProtoMapper.key(request.getKey()), request.getLeaseId(),
                ProtoMapper.optionalTtl(request.hasTtl(), request.getTtl()));
        return ProtoMapper.renewed(lease);
    }

    /** Calls under a lease: the role, then the lease's own subject (one extra read, only with auth on). */
    private void requireUnderLease(Operation operation, String key, String leaseId) {
        Caller caller = CallerInterceptor.current();
        guard.require(caller, operation, key);
        if (guard.enabled() && !leaseId.isEmpty()) {
            guard.requireLeaseOwner(caller, operation, leaseId, locks.record(ProtoMapper.key(key)).orElse(null));
        }
    }

    @Override
    @Blocking
    public StreamObserver<HeartbeatRequest> keepAlive(StreamObserver<HeartbeatResponse> responses) {
        return new KeepAliveStream(responses, this::renew, (e, start) -> failed("keep_alive", e, start), metrics);
    }

    /** Answers the releaser first; the next waiter on this replica is then granted on this same thread. */
    @Override
    public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> responses) {
        long start = System.nanoTime();
        offload("release", responses, start, () -> release(request, responses, start));
    }

    private void release(ReleaseRequest request, StreamObserver<ReleaseResponse> responses, long start) {
        boolean[] answered = {false};
        try {
            requireUnderLease(Operation.RELEASE, request.getKey(), request.getLeaseId());
            locks.releaseThen(ProtoMapper.key(request.getKey()), request.getLeaseId(), outcome -> {
                var entry = audit.entry(CallerInterceptor.current(), CallerInterceptor.peer(), "release", request.getKey())
                        // previous is null when the lease was not there (already released, broken or taken)
                        .outcome(outcome.released() ? "released" : outcome.previous() == null ? "not-held" : "expired");
                if (outcome.previous() != null) entry.previous(outcome.previous().owner(), outcome.previous().fencingToken());
                audit.record(entry.build());
                answered[0] = true;
                responses.onNext(ReleaseResponse.newBuilder().setReleased(outcome.released()).build());
                responses.onCompleted();
                metrics.completed("release", "OK", start);
            });
        } catch (RuntimeException e) {
            // After the answer, a failing hand-off is the waiters' business (they are polled again), not the releaser's.
            if (!answered[0]) responses.onError(failed("release", e, start));
        }
    }

    @Override
    @Blocking
    public void describe(DescribeRequest request, StreamObserver<io.statelock.proto.v1.LockStatus> responses) {
        unary(responses, () -> {
            guard.require(CallerInterceptor.current(), Operation.DESCRIBE, request.getKey());
            return ProtoMapper.status(locks.describe(ProtoMapper.key(request.getKey())));
        });
    }

    @Override
    @Blocking
    public void list(ListRequest request, StreamObserver<ListResponse> responses) {
        unary(responses, () -> {
            Caller caller = CallerInterceptor.current();
            LockCoordinator.StatusPage page = locks.list(request.getPrefix(), request.getPageSize(),
                    request.getPageToken(), request.getHeldOnly());
            ListResponse.Builder b = ListResponse.newBuilder().setNextPageToken(page.nextPageToken());
            for (LockStatus status : page.locks()) {
                // Only keys the caller may read are shown; the page token still advances past the others.
                if (guard.mayRead(caller, status.key().value())) b.addLocks(ProtoMapper.status(status));
            }
            return b.build();
        });
    }

    @Override
    @Blocking
    public void forceRelease(ForceReleaseRequest request, StreamObserver<ForceReleaseResponse> responses) {
        unary(responses, () -> {
            Caller caller = CallerInterceptor.current();
            guard.require(caller, Operation.FORCE_RELEASE, request.getKey());
            var entry = audit.entry(caller, CallerInterceptor.peer(), "force-release", request.getKey())
                    .reason(request.getReason());
            LockCoordinator.ForceReleaseOutcome outcome;
            try {
                outcome = locks.forceRelease(ProtoMapper.key(request.getKey()), request.getReason(),
                        request.getExpectedFencingToken());
            } catch (LeaseLostException mismatch) {
                // The expected token was not the holder's: nothing was broken, but the attempt is audited too.
                audit.recordNow(entry.outcome("fence-mismatch").previous(mismatch.current().owner(),
                        mismatch.current().fencingToken()).build());
                throw mismatch;
            }
            // Forced: stored before the answer (invariant 5), not batched.
            audit.recordNow(entry.outcome(outcome.released() ? "released" : "not-held")
                    .previous(outcome.previous().owner(), outcome.previous().fencingToken()).build());
            return ForceReleaseResponse.newBuilder().setReleased(outcome.released())
                    .setPrevious(ProtoMapper.status(outcome.previous())).build();
        });
    }

    @Override
    @Blocking
    public void validateFence(ValidateFenceRequest request, StreamObserver<ValidateFenceResponse> responses) {
        unary(responses, () -> {
            guard.require(CallerInterceptor.current(), Operation.VALIDATE_FENCE, request.getKey());
            LockCoordinator.FenceCheck check = locks.validateFence(ProtoMapper.key(request.getKey()),
                    request.getFencingToken());
            return ValidateFenceResponse.newBuilder().setCurrent(check.current())
                    .setCurrentFencingToken(check.currentFencingToken()).build();
        });
    }

    @Override
    @Blocking
    public void audit(AuditRequest request, StreamObserver<AuditResponse> responses) {
        unary(responses, () -> {
            Caller caller = CallerInterceptor.current();
            // Admin on the prefix itself ("**" for everything), then per row: admin on the row's key.
            guard.require(caller, Operation.AUDIT, auditScope(request.getPrefix()));
            long until = request.hasUntil() ? ProtoMapper.millis(request.getUntil(), "until") : Long.MAX_VALUE;
            AuditPage page = audit.query(request.getPrefix(), request.hasSince() ? ProtoMapper.millis(request.getSince(), "since") : 0,
                    until, request.getPageSize(), request.getPageToken());
            AuditResponse.Builder b = AuditResponse.newBuilder().setNextPageToken(page.nextPageToken());
            for (AuditEntry e : page.entries()) {
                // Rows the caller may not administer are left out; the page token still moves past them.
                if (guard.allows(caller, Operation.AUDIT, auditScope(e.key()))) b.addRecords(ProtoMapper.auditRecord(e));
            }
            return b.build();
        });
    }

    /** A denied call without a key is visible only to admins of everything. */
    private static String auditScope(String key) {
        return key.isEmpty() ? "**" : key;
    }

    @Override
    @Blocking
    public void watch(WatchRequest request, StreamObserver<LockEvent> responses) {
        ServerCallStreamObserver<LockEvent> call = (ServerCallStreamObserver<LockEvent>) responses;
        try {
            Caller caller = CallerInterceptor.current();
            if (!request.getKey().isEmpty()) guard.require(caller, Operation.WATCH, request.getKey());
            AutoCloseable watch = watches.open(request.getKey(), request.getPrefix(),
                    event -> {
                        // Prefix watches show only the keys the caller may read.
                        if (guard.mayRead(caller, event.status().key().value())) call.onNext(ProtoMapper.event(event));
                    },
                    end -> call.onError(GrpcErrors.toStatus(end)));
            call.setOnCancelHandler(() -> closeQuietly(watch));
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // the stream is gone either way
        }
    }

    /** The error answer of a metered call: mapped in GrpcErrors, counted and timed with its code. */
    private StatusRuntimeException failed(String rpc, Throwable error, long startNanos) {
        StatusRuntimeException status = GrpcErrors.toStatus(error, rpc, metrics);
        metrics.completed(rpc, status.getStatus().getCode().name(), startNanos);
        return status;
    }

    /** A unary call timed at the edge (acquire, heartbeat and release latency histograms). */
    private <T> void unary(String rpc, long start, StreamObserver<T> responses, Supplier<T> body) {
        T response;
        try {
            response = body.get();
        } catch (RuntimeException e) {
            responses.onError(failed(rpc, e, start));
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
        metrics.completed(rpc, "OK", start);
    }

    private static <T> void unary(StreamObserver<T> responses, Supplier<T> body) {
        T response;
        try {
            response = body.get();
        } catch (RuntimeException e) {
            responses.onError(GrpcErrors.toStatus(e));
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }
}
