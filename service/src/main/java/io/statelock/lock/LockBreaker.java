package io.statelock.lock;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.TerraformLocks;
import io.statelock.lock.wait.WaitQueues;
import java.time.Clock;
import java.util.function.Function;

/** An operator's forced release of a lock: the reason and fence checks, the store's break and its event (the API edge audits it). */
final class LockBreaker {
    private final LockTable table;
    private final TerraformLocks terraform;
    private final FencingTokens fences;
    private final Clock clock;
    private final LockEvents events;
    private final WaitQueues waits;
    private final Function<LockKey, LockStatus> describe;

    LockBreaker(
            LockTable table,
            TerraformLocks terraform,
            FencingTokens fences,
            Clock clock,
            LockEvents events,
            WaitQueues waits,
            Function<LockKey, LockStatus> describe) {
        this.table = table;
        this.terraform = terraform;
        this.fences = fences;
        this.clock = clock;
        this.events = events;
        this.waits = waits;
        this.describe = describe;
    }

    /** Breaks a lock for an operator; with a non-zero expected token only while it is still the holder's. */
    LockCoordinator.ForceReleaseOutcome forceRelease(LockKey key, String reason, long expectedToken) {
        checkReason(reason);
        long now = clock.millis();
        long expectedCounter = 0;
        if (expectedToken != 0) {
            expectedCounter = fences.counterOf(expectedToken);
            if (expectedCounter <= 0) {
                LockStatus current = describe.apply(key);
                throw new LeaseLostException(
                        "fencing token " + expectedToken + " is not the holder's; current token is "
                                + current.fencingToken(),
                        current);
            }
        }
        ForceReleaseResult result = table.forceRelease(key, expectedCounter);
        if (result instanceof ForceReleaseResult.Broken broken) {
            LockStatus previous = LockStatus.holderOf(broken.previous(), fences);
            events.publish(new LockEvent(
                    LockEvent.Type.FORCE_RELEASED,
                    LockStatus.of(broken.previous().freed(), fences, now),
                    now));
            waits.keyReleased(key);
            return new LockCoordinator.ForceReleaseOutcome(true, previous);
        }
        LockRecord current = result instanceof ForceReleaseResult.NotHeld notHeld
                ? notHeld.current()
                : ((ForceReleaseResult.FenceMismatch) result).current();
        LockStatus status = LockStatus.of(current, fences, now);
        if (expectedToken != 0) {
            throw new LeaseLostException(
                    "fencing token " + expectedToken + " is not the holder's; current token is "
                            + fences.token(current.fenceCounter()) + (current.hasLease() ? "" : " and the key is free"),
                    status);
        }
        // The key changed hands at every try of the store's break: still held, by a holder nobody chose to break.
        if (result instanceof ForceReleaseResult.FenceMismatch && current.hasLease())
            throw new LockHeldException(status);
        return new LockCoordinator.ForceReleaseOutcome(false, status);
    }

    /** Breaks the plain Terraform run's lock with this ID; not released when the key has another lock or none. */
    LockCoordinator.ForceReleaseOutcome breakPlainRunLock(LockKey key, String reason, String terraformLockId) {
        checkReason(reason);
        if (terraformLockId == null || terraformLockId.isBlank()) {
            throw InvalidArgumentException.of("terraform_lock_id", "must name the Terraform lock ID to break");
        }
        if (terraformLockId.length() > 256) {
            throw InvalidArgumentException.of(
                    "terraform_lock_id", "must be at most 256 characters, got " + terraformLockId.length());
        }
        if (!terraform.covers(key.value())) {
            throw InvalidArgumentException.of(
                    "key",
                    key.value() + " is not under a bucket of statelock.terraform-s3.buckets:"
                            + " it has no Terraform S3 lock");
        }
        long now = clock.millis();
        java.util.Optional<PlainRunLock> seen = terraform.read(key);
        long counter = table.get(key).map(LockRecord::fenceCounter).orElse(0L);
        // statelock's own Terraform lock belongs to a lease: that is broken as a lease, never by its lock ID.
        if (seen.isEmpty() || !seen.get().id().equals(terraformLockId) || TerraformMirror.isMirror(seen.get())) {
            LockStatus current = describe.apply(key);
            return new LockCoordinator.ForceReleaseOutcome(false, current);
        }
        java.util.Set<PlainRunLock.Mechanism> removed = terraform.remove(key, terraformLockId);
        LockStatus previous = LockStatus.holderOf(seen.get().asRecord(counter), fences);
        if (removed.isEmpty()) {
            return new LockCoordinator.ForceReleaseOutcome(false, describe.apply(key));
        }
        events.publish(new LockEvent(LockEvent.Type.FORCE_RELEASED, describe.apply(key), now));
        waits.keyReleased(key);
        return new LockCoordinator.ForceReleaseOutcome(true, previous);
    }

    private static void checkReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw InvalidArgumentException.of("reason", "must say why the lock is broken");
        }
        if (reason.length() > LockCoordinator.MAX_REASON) {
            throw InvalidArgumentException.of(
                    "reason", "must be at most " + LockCoordinator.MAX_REASON + " characters, got " + reason.length());
        }
    }
}
