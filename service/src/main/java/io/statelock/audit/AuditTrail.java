package io.statelock.audit;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.KeyPrefix;
import io.statelock.lock.Lease;
import io.statelock.lock.LockStatus;
import io.statelock.lock.StaleLockHealer;
import io.statelock.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The audit trail: one method per audited event, so the gRPC and HTTP edges record the same event the same
 * way and neither types an action or an outcome. Every record is a log line at once and a row in the
 * {@link AuditStore}: routine events are stored in batches, forced and destructive ones (force release,
 * Terraform force-unlock and heal, rollback, delete) before the method returns, so before the call is answered.
 * {@code caller} is null when unknown (a refused token); {@code peer} is the remote address, "" when unknown.
 */
public final class AuditTrail implements AutoCloseable {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    /** Who removes a stale Terraform lock: the service itself. */
    private static final Caller SERVICE = new Caller("statelock", Map.of(), Long.MAX_VALUE, false, false);

    private final AuditStore store;
    private final Clock clock;
    private final AuditWriter writer;

    public AuditTrail(AuditStore store, Clock clock, int queueCapacity, int batchSize, Duration maxRetry) {
        this.store = store;
        this.clock = clock;
        this.writer = new AuditWriter(store, queueCapacity, batchSize, maxRetry);
    }

    /** A lease granted: an acquire, or a takeover when it replaced an expired lease. */
    public void granted(Caller caller, String peer, Lease lease) {
        record(entry(
                        caller,
                        peer,
                        lease.tookOver() ? AuditAction.TAKEOVER : AuditAction.ACQUIRE,
                        lease.key().value())
                .outcome(AuditOutcome.GRANTED)
                .previous(lease.previousOwner(), lease.previousFencingToken())
                .fencingToken(lease.fencingToken())
                .build());
    }

    /**
     * A release by the lease's holder: released, or not held ({@code previous} null: the lease was not there), or
     * expired (the lease had ended by expiry; {@code previous} names its holder).
     */
    public void released(Caller caller, String peer, String key, boolean released, LockStatus previous, String reason) {
        AuditOutcome outcome =
                released ? AuditOutcome.RELEASED : previous == null ? AuditOutcome.NOT_HELD : AuditOutcome.EXPIRED;
        record(withPrevious(
                        entry(caller, peer, AuditAction.RELEASE, key)
                                .outcome(outcome)
                                .reason(reason),
                        previous)
                .build());
    }

    /** An admin's force release; {@code previous} is the holder it found (null when it found none to name). */
    public void forceReleased(
            Caller caller, String peer, String key, String reason, boolean released, LockStatus previous) {
        recordNow(withPrevious(
                        entry(caller, peer, AuditAction.FORCE_RELEASE, key)
                                .outcome(released ? AuditOutcome.RELEASED : AuditOutcome.NOT_HELD)
                                .reason(reason),
                        previous)
                .build());
    }

    /** A force release that named a fencing token other than the holder's: nothing was broken. */
    public void forceReleaseFenceMismatch(Caller caller, String peer, String key, String reason, LockStatus holder) {
        recordNow(withPrevious(
                        entry(caller, peer, AuditAction.FORCE_RELEASE, key)
                                .outcome(AuditOutcome.FENCE_MISMATCH)
                                .reason(reason),
                        holder)
                .build());
    }

    /** A plain Terraform run's lock broken by its lock ID. */
    public void terraformForceUnlocked(
            Caller caller,
            String peer,
            String key,
            String reason,
            String terraformLockId,
            boolean released,
            LockStatus previous) {
        recordNow(withPrevious(
                        entry(caller, peer, AuditAction.TERRAFORM_FORCE_UNLOCK, key)
                                .outcome(released ? AuditOutcome.RELEASED : AuditOutcome.NOT_HELD)
                                .reason(terraformReason(reason, terraformLockId)),
                        previous)
                .build());
    }

    /** A break of a Terraform lock that failed part-way: one mechanism may have been cleared, so it is on record. */
    public void terraformForceUnlockFailed(
            Caller caller, String peer, String key, String reason, String terraformLockId) {
        recordNow(entry(caller, peer, AuditAction.TERRAFORM_FORCE_UNLOCK, key)
                .outcome(AuditOutcome.FAILED)
                .reason(terraformReason(reason, terraformLockId))
                .build());
    }

    /** statelock removed the Terraform lock of one of its own leases that ended unreleased. */
    public void terraformLockHealed(StaleLockHealer.Healed healed) {
        String why = healed.expiredAtMs() > 0
                ? "the lease expired at " + Instant.ofEpochMilli(healed.expiredAtMs())
                        + " without being released (its holder stopped)"
                : "the lease was released but its Terraform lock was left (the removal failed)";
        recordNow(entry(
                        SERVICE,
                        "",
                        AuditAction.TERRAFORM_LOCK_HEALED,
                        healed.key().value())
                .outcome(AuditOutcome.REMOVED)
                .previous(healed.owner(), healed.fencingToken())
                .reason(why + "; statelock's Terraform lock " + healed.terraformLockId() + " removed")
                .build());
    }

    /** A state version stored under the lease whose token it carried. */
    public void stateStored(Caller caller, String peer, String key, long fencingToken, String version) {
        record(entry(caller, peer, AuditAction.PUT_STATE, key)
                .outcome(AuditOutcome.STORED)
                .fencingToken(fencingToken)
                .reason("version " + version)
                .build());
    }

    /** An upload that ended before it was complete: nothing was stored. */
    public void stateRefused(Caller caller, String peer, String key, String why) {
        record(entry(caller, peer, AuditAction.PUT_STATE, key)
                .outcome(AuditOutcome.REFUSED)
                .reason(why)
                .build());
    }

    /** An old version made current again, as a new version. */
    public void rolledBack(
            Caller caller, String peer, String key, long fencingToken, String toVersion, String asVersion) {
        recordNow(entry(caller, peer, AuditAction.ROLLBACK, key)
                .outcome(AuditOutcome.ROLLED_BACK)
                .fencingToken(fencingToken)
                .reason("to version " + toVersion + " as version " + asVersion)
                .build());
    }

    /** A state deleted: its tombstone version. */
    public void stateDeleted(Caller caller, String peer, String key, long fencingToken, String tombstoneVersion) {
        recordNow(entry(caller, peer, AuditAction.DELETE_STATE, key)
                .outcome(AuditOutcome.DELETED)
                .fencingToken(fencingToken)
                .reason("version " + tombstoneVersion)
                .build());
    }

    /** A call refused for want of a valid token; {@code operation} names what was refused (e.g. {@code acquire}). */
    public void unauthenticated(Caller caller, String peer, String operation, String key, String reason) {
        denied(caller, peer, operation, key, AuditOutcome.UNAUTHENTICATED, reason);
    }

    /** A call whose caller's roles do not allow {@code operation} on {@code key}. */
    public void permissionDenied(Caller caller, String peer, String operation, String key, String reason) {
        denied(caller, peer, operation, key, AuditOutcome.PERMISSION_DENIED, reason);
    }

    /** Waits until every routine record made before this call is stored (or given up); false on timeout. */
    public boolean flush(Duration timeout) {
        return writer.flush(timeout);
    }

    /** Records dropped from the store since start (queue full, or given up after retries); all were logged. */
    public long dropped() {
        return writer.dropped();
    }

    /** Audit records by key prefix and time range, oldest first, paged; validates the arguments. */
    public AuditPage query(String prefix, long sinceMs, long untilMs, int pageSize, String pageToken) {
        return query(prefix, sinceMs, untilMs, pageSize, pageToken, false);
    }

    /** The same, newest first when {@code newestFirst} (within a key's first segment on DynamoDB: see the store). */
    public AuditPage query(
            String prefix, long sinceMs, long untilMs, int pageSize, String pageToken, boolean newestFirst) {
        KeyPrefix p = KeyPrefix.of(prefix);
        if (pageSize < 0) throw InvalidArgumentException.of("page_size", "must not be negative");
        if (untilMs < sinceMs) throw InvalidArgumentException.of("until", "must not be before since");
        int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
        return store.query(new AuditQuery(p.value(), sinceMs, untilMs, size, pageToken, newestFirst));
    }

    /** Stops taking records and stores what is queued, waiting at most {@code timeout}. */
    public void close(Duration timeout) {
        writer.close(timeout);
    }

    @Override
    public void close() {
        writer.close();
    }

    AuditEntries.Draft entry(Caller caller, String peer, AuditAction action, String key) {
        return entry(caller, peer, action.label(), key);
    }

    /** A record of any action: the fixed ones by their label, a refusal by the operation it refused. */
    private AuditEntries.Draft entry(Caller caller, String peer, String action, String key) {
        return new AuditEntries.Draft(clock, caller, peer == null ? "" : peer, action, key == null ? "" : key);
    }

    void record(AuditEntry entry) {
        writer.record(entry);
    }

    void recordNow(AuditEntry entry) {
        writer.recordNow(entry);
    }

    private void denied(Caller caller, String peer, String operation, String key, AuditOutcome denial, String reason) {
        record(entry(caller, peer, operation, key)
                .outcome(denial)
                .reason(reason == null ? "" : reason)
                .build());
    }

    private static AuditEntries.Draft withPrevious(AuditEntries.Draft draft, LockStatus previous) {
        return previous == null ? draft : draft.previous(previous.owner(), previous.fencingToken());
    }

    private static String terraformReason(String reason, String terraformLockId) {
        return reason + " (Terraform lock ID " + terraformLockId + ")";
    }
}
