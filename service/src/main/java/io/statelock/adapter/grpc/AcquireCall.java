package io.statelock.adapter.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.statelock.audit.AuditTrail;
import io.statelock.lock.AcquireCommand;
import io.statelock.lock.Lease;
import io.statelock.lock.LockCoordinator;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import io.statelock.security.Operation;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One Acquire call, on its worker thread: checks, the (possibly waiting) acquire, then the answer from the
 * grant's future — a waiting acquire holds no thread. A grant whose call has gone is released at once.
 */
final class AcquireCall {
    /** Answer a waiting acquire this long before the call's deadline, so the client sees LockHeld. */
    private static final long DEADLINE_MARGIN_MS = 200;

    private final LockCoordinator locks;
    private final AccessGuard guard;
    private final AuditTrail audit;
    private final CallRunner calls;

    AcquireCall(LockCoordinator locks, AccessGuard guard, AuditTrail audit, CallRunner calls) {
        this.locks = locks;
        this.guard = guard;
        this.audit = audit;
        this.calls = calls;
    }

    /** {@code cancelled} completes when the client goes away (gRPC takes that handler only on the event loop). */
    void run(
            AcquireRequest request,
            ServerCallStreamObserver<AcquireResponse> call,
            CompletableFuture<Void> cancelled,
            long start) {
        if (cancelled.isDone()) return; // the caller left while the call waited for a worker: take nothing
        try {
            Caller caller = CallerInterceptor.current();
            String peer = CallerInterceptor.peer(); // captured here: a waiting grant completes on another thread
            guard.require(caller, Operation.ACQUIRE, request.getKey());
            AcquireCommand command = ProtoMapper.command(asOwner(request, caller));
            CompletableFuture<Lease> grant =
                    locks.acquire(command, boundedByDeadline(ProtoMapper.waitTimeout(request)));
            cancelled.thenRun(() -> grant.cancel(false)); // at once if the call is gone already
            grant.whenComplete((lease, error) -> {
                if (error != null) {
                    if (!call.isCancelled()) call.onError(calls.failed("acquire", error, start));
                    return;
                }
                auditGrant(caller, peer, lease);
                deliver(call, lease);
                calls.succeeded("acquire", start);
            });
        } catch (RuntimeException e) {
            call.onError(calls.failed("acquire", e, start));
        }
    }

    /** Routine record, batched: an acquire, or a takeover when an expired lease was replaced. */
    private void auditGrant(Caller caller, String peer, Lease lease) {
        audit.granted(caller, peer, lease);
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
            call.onNext(ProtoMapper.acquired(lease).toBuilder()
                    .setTerraformLockId(locks.terraformLockIdOf(lease))
                    .build());
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
}
