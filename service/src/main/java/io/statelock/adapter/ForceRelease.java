package io.statelock.adapter;

import io.statelock.audit.AuditTrail;
import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockCoordinator.ForceReleaseOutcome;
import io.statelock.security.Caller;

/**
 * An admin's force release, whichever edge it came through (gRPC ForceRelease, the dashboard): a lease broken
 * (only the one with the expected token, when one is given) or a plain Terraform run's lock broken by its lock ID.
 * Each attempt is stored in the audit trail before the answer (docs/design.md#invariant-5), a refused one too. The
 * edge has checked the caller's role.
 */
public final class ForceRelease {
    private final LockCoordinator locks;
    private final AuditTrail audit;

    public ForceRelease(LockCoordinator locks, AuditTrail audit) {
        this.locks = locks;
        this.audit = audit;
    }

    /** A lease, or with {@code terraformLockId} not empty, a plain run's lock. */
    public ForceReleaseOutcome run(
            Caller caller, String peer, LockKey key, String reason, long expectedToken, String terraformLockId) {
        if (!terraformLockId.isEmpty()) return breakPlainRun(caller, peer, key, reason, terraformLockId);
        ForceReleaseOutcome outcome;
        try {
            outcome = locks.forceRelease(key, reason, expectedToken);
        } catch (LeaseLostException mismatch) {
            // The expected token was not the holder's: nothing was broken, but the attempt is audited too.
            audit.forceReleaseFenceMismatch(caller, peer, key.value(), reason, mismatch.current());
            throw mismatch;
        }
        audit.forceReleased(caller, peer, key.value(), reason, outcome.released(), outcome.previous());
        return outcome;
    }

    private ForceReleaseOutcome breakPlainRun(
            Caller caller, String peer, LockKey key, String reason, String terraformLockId) {
        ForceReleaseOutcome outcome;
        try {
            outcome = locks.breakPlainRunLock(key, reason, terraformLockId);
        } catch (StoreUnavailableException e) {
            // One mechanism may have been cleared before the other failed: the attempt is on record either way.
            audit.terraformForceUnlockFailed(caller, peer, key.value(), reason, terraformLockId);
            throw e;
        }
        audit.terraformForceUnlocked(
                caller, peer, key.value(), reason, terraformLockId, outcome.released(), outcome.previous());
        return outcome;
    }
}
