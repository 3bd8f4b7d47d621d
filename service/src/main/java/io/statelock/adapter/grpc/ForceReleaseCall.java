package io.statelock.adapter.grpc;

import io.statelock.audit.AuditTrail;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockCoordinator;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.ForceReleaseResponse;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import io.statelock.security.Operation;

/** One ForceRelease call: an admin breaks a lease, optionally only the one with the expected token; audited either way. */
final class ForceReleaseCall {
    private final LockCoordinator locks;
    private final AccessGuard guard;
    private final AuditTrail audit;

    ForceReleaseCall(LockCoordinator locks, AccessGuard guard, AuditTrail audit) {
        this.locks = locks;
        this.guard = guard;
        this.audit = audit;
    }

    ForceReleaseResponse run(ForceReleaseRequest request) {
        Caller caller = CallerInterceptor.current();
        guard.require(caller, Operation.FORCE_RELEASE, request.getKey());
        if (!request.getTerraformLockId().isEmpty()) return breakPlainRun(caller, request);
        String peer = CallerInterceptor.peer();
        LockCoordinator.ForceReleaseOutcome outcome;
        try {
            outcome = locks.forceRelease(
                    ProtoMapper.key(request.getKey()), request.getReason(), request.getExpectedFencingToken());
        } catch (LeaseLostException mismatch) {
            // The expected token was not the holder's: nothing was broken, but the attempt is audited too.
            audit.forceReleaseFenceMismatch(caller, peer, request.getKey(), request.getReason(), mismatch.current());
            throw mismatch;
        }
        // Forced: stored before the answer (docs/design.md#invariant-5), not batched.
        audit.forceReleased(
                caller, peer, request.getKey(), request.getReason(), outcome.released(), outcome.previous());
        return ForceReleaseResponse.newBuilder()
                .setReleased(outcome.released())
                .setPrevious(ProtoMapper.status(outcome.previous()))
                .build();
    }

    /** A plain Terraform run's lock, broken by its lock ID; stored in the audit trail before the answer either way. */
    private ForceReleaseResponse breakPlainRun(Caller caller, ForceReleaseRequest request) {
        String peer = CallerInterceptor.peer();
        LockCoordinator.ForceReleaseOutcome outcome;
        try {
            outcome = locks.breakPlainRunLock(
                    ProtoMapper.key(request.getKey()), request.getReason(), request.getTerraformLockId());
        } catch (io.statelock.common.StoreUnavailableException e) {
            // One mechanism may have been cleared before the other failed: the attempt is on record either way.
            audit.terraformForceUnlockFailed(
                    caller, peer, request.getKey(), request.getReason(), request.getTerraformLockId());
            throw e;
        }
        audit.terraformForceUnlocked(
                caller,
                peer,
                request.getKey(),
                request.getReason(),
                request.getTerraformLockId(),
                outcome.released(),
                outcome.previous());
        return ForceReleaseResponse.newBuilder()
                .setReleased(outcome.released())
                .setPrevious(ProtoMapper.status(outcome.previous()))
                .build();
    }
}
