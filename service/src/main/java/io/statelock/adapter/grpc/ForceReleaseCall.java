package io.statelock.adapter.grpc;

import io.statelock.adapter.ForceRelease;
import io.statelock.audit.AuditTrail;
import io.statelock.lock.LockCoordinator;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.ForceReleaseResponse;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import io.statelock.security.Operation;

/** One ForceRelease call: an admin breaks a lease or a plain run's lock; audited either way ({@link ForceRelease}). */
final class ForceReleaseCall {
    private final ForceRelease forceRelease;
    private final AccessGuard guard;

    ForceReleaseCall(LockCoordinator locks, AccessGuard guard, AuditTrail audit) {
        this.forceRelease = new ForceRelease(locks, audit);
        this.guard = guard;
    }

    ForceReleaseResponse run(ForceReleaseRequest request) {
        Caller caller = CallerInterceptor.current();
        guard.require(caller, Operation.FORCE_RELEASE, request.getKey());
        LockCoordinator.ForceReleaseOutcome outcome = forceRelease.run(
                caller,
                CallerInterceptor.peer(),
                ProtoMapper.key(request.getKey()),
                request.getReason(),
                request.getExpectedFencingToken(),
                request.getTerraformLockId());
        return ForceReleaseResponse.newBuilder()
                .setReleased(outcome.released())
                .setPrevious(ProtoMapper.status(outcome.previous()))
                .build();
    }
}
