package io.statelock.lock;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.KeyPrefix;
import io.statelock.common.LockKey;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.ReleaseResult;
import io.statelock.lock.port.TerraformLocks;
import io.statelock.lock.wait.WaitQueues;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** The lock use cases: acquire (with waiting), heartbeat, release, force-release, describe, list, fences. */
public final class LockCoordinator {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    /** Longest force-release reason: it is audited before the answer, and an audit record must stay small. */
    public static final int MAX_REASON = 1024;

    /** Outcome of a forced release. */
    public record ForceReleaseOutcome(boolean released, LockStatus previous) {}

    /** Outcome of a release: {@code previous} is the record's holder before it (null when the key had no record). */
    public record ReleaseOutcome(boolean released, LockStatus previous) {}

    /** Outcome of an advisory fence check. */
    public record FenceCheck(boolean current, long currentFencingToken) {}

    /** One page of statuses. */
    public record StatusPage(List<LockStatus> locks, String nextPageToken) {}

    private final LockTable table;
    private final LockSettings settings;
    private final FencingTokens fences;
    private final Clock clock;
    private final LockEvents events;
    private final AcquireAttempt attempts;
    private final WaitQueues waits;
    private final LockBreaker breaker;
    private final TerraformLocks terraform;

    public LockCoordinator(
            LockTable table, LockSettings settings, Clock clock, Scheduler scheduler, LockEvents events) {
        this(table, TerraformLocks.NONE, settings, clock, scheduler, events);
    }

    /**
     * @param table     the lock table as the use cases see it ({@link PlainRunView} when some keys are Terraform S3
     *                  states)
     * @param terraform plain Terraform runs' locks, for breaking them ({@link #breakPlainRunLock})
     */
    public LockCoordinator(
            LockTable table,
            TerraformLocks terraform,
            LockSettings settings,
            Clock clock,
            Scheduler scheduler,
            LockEvents events) {
        this.table = table;
        this.settings = settings;
        this.fences = settings.fences();
        this.clock = clock;
        this.events = events;
        this.attempts = new AcquireAttempt(table, settings, clock, events);
        this.waits = new WaitQueues(attempts, scheduler, clock, settings, this::releaseUndeliverable);
        this.breaker = new LockBreaker(table, terraform, fences, clock, events, waits, this::describe);
        this.terraform = terraform;
    }

    public LockSettings settings() {
        return settings;
    }

    /**
     * Tries once; when held and {@code maxWait} is positive, waits in this replica's FIFO queue.
     * The future fails with {@link LockHeldException} when the wait ends without the lock;
     * cancelling it leaves the queue (a grant that races the cancel is released and passed on).
     */
    public CompletableFuture<Lease> acquire(AcquireCommand command, Duration maxWait) {
        command.effectiveTtl(settings); // reject a bad ttl before touching the store
        if (maxWait.isNegative()) throw InvalidArgumentException.of("wait_timeout", "must not be negative");
        long waitMs = maxWait.toMillis();
        // Fairness: a caller that will wait joins this replica's queue before its first try (see WaitQueues).
        if (waitMs > 0) return waits.acquire(command, waitMs);
        AcquireTries.Outcome attempt = attempts.tryOnce(command);
        if (attempt instanceof AcquireTries.Outcome.Won won) {
            return CompletableFuture.completedFuture(won.lease());
        }
        throw new LockHeldException(LockStatus.holderOf(((AcquireTries.Outcome.Blocked) attempt).holder(), fences));
    }

    /** Extends a live lease by its ttl (or a new one). An expired lease is lost even if nobody took it. */
    public Lease heartbeat(LockKey key, String leaseId, Duration ttl) {
        return heartbeat(key, leaseId, ttl, LeaseOwner.ANYONE);
    }

    /**
     * Like {@link #heartbeat(LockKey, String, Duration)} for a call that must also be the lease's {@code owner},
     * checked in the same store write; a lease of another identity fails with {@code owner}'s refusal.
     */
    public Lease heartbeat(LockKey key, String leaseId, Duration ttl, LeaseOwner owner) {
        requireLeaseId(leaseId);
        long ttlMs = ttl == null || ttl.isZero()
                ? 0
                : AcquireCommand.checkTtl("ttl", ttl, settings).toMillis();
        long now = clock.millis();
        HeartbeatResult result = table.heartbeat(key, leaseId, now, ttlMs, owner);
        if (result instanceof HeartbeatResult.Renewed renewed) {
            LockRecord record = renewed.record();
            events.publish(new LockEvent(LockEvent.Type.RENEWED, LockStatus.of(record, fences, now), now));
            return Lease.of(record, fences);
        }
        LockRecord current = ((HeartbeatResult.Lost) result).current();
        // The record read after the failed condition decides: this lease but another identity is refused, not lost.
        owner.refusal().check(leaseId, current);
        throw new LeaseLostException(lostMessage(current, leaseId, now), LockStatus.of(current, fences, now));
    }

    /** Releases the lease; false when it was no longer held (already released, expired or taken). */
    public boolean release(LockKey key, String leaseId) {
        return release(key, leaseId, LeaseOwner.ANYONE);
    }

    /** Like {@link #release(LockKey, String)}, by a caller that must be the lease's {@code owner}. */
    public boolean release(LockKey key, String leaseId, LeaseOwner owner) {
        return releaseLease(key, leaseId, owner).released();
    }

    /** Like {@link #release}, by a caller that must be the lease's {@code owner}; tells whose lease (and token) it was. */
    public ReleaseOutcome releaseLease(LockKey key, String leaseId, LeaseOwner owner) {
        ReleaseOutcome outcome = releaseRecord(key, leaseId, owner);
        if (outcome.previous() != null) waits.keyReleased(key);
        return outcome;
    }

    /**
     * Like {@link #releaseLease}, for the API edge: {@code answer} replies to the releasing caller, and then
     * this replica's next waiter on the key is granted on the calling thread. The reply does not wait for
     * the next grant, and the grant does not wait for a poller thread to be scheduled (on a busy machine
     * that wake-up, not the store, is what made hand-offs slow).
     */
    public void releaseThen(LockKey key, String leaseId, LeaseOwner owner, Consumer<ReleaseOutcome> answer) {
        ReleaseOutcome outcome = releaseRecord(key, leaseId, owner);
        try {
            answer.accept(outcome);
        } finally {
            if (outcome.previous() != null) handOff(key);
        }
    }

    /** The next waiter's grant, here and now; if that fails unexpectedly, a poller thread tries again. */
    private void handOff(LockKey key) {
        try {
            waits.handOff(key);
        } catch (RuntimeException e) {
            waits.keyReleased(key);
        }
    }

    /** The release itself: {@code previous} is null when the key had no record with this lease. */
    private ReleaseOutcome releaseRecord(LockKey key, String leaseId, LeaseOwner owner) {
        requireLeaseId(leaseId);
        long now = clock.millis();
        ReleaseResult result = table.release(key, leaseId, owner);
        if (result instanceof ReleaseResult.NotHeld notHeld) {
            // This lease but another identity is refused; otherwise the lease was simply no longer there.
            owner.refusal().check(leaseId, notHeld.current());
            return new ReleaseOutcome(false, null);
        }
        LockRecord previous = ((ReleaseResult.Released) result).previous();
        events.publish(new LockEvent(LockEvent.Type.RELEASED, LockStatus.of(previous.freed(), fences, now), now));
        return new ReleaseOutcome(previous.liveAt(now), LockStatus.holderOf(previous, fences));
    }

    /** Breaks a lock for an operator; with a non-zero expected token only while it is still the holder's. */
    public ForceReleaseOutcome forceRelease(LockKey key, String reason, long expectedToken) {
        return breaker.forceRelease(key, reason, expectedToken);
    }

    /**
     * The ID of Terraform's own lock that statelock holds for {@code lease} (a Terraform S3 state's), else empty: a
     * Terraform run under the lease must leave that lock alone ({@code -lock=false}).
     */
    public String terraformLockIdOf(Lease lease) {
        if (!terraform.covers(lease.key().value())) return "";
        return TerraformMirror.id(lease.key(), fences.counterOf(lease.fencingToken()));
    }

    /**
     * Breaks a plain Terraform run's lock on {@code key} for an operator: only the lock whose Terraform lock ID is
     * {@code terraformLockId} (the one the operator saw), from each mechanism that holds it.
     */
    public ForceReleaseOutcome breakPlainRunLock(LockKey key, String reason, String terraformLockId) {
        return breaker.breakPlainRunLock(key, reason, terraformLockId);
    }

    public LockStatus describe(LockKey key) {
        LockRecord record = table.get(key).orElseGet(() -> LockRecord.absent(key));
        return LockStatus.of(record, fences, clock.millis());
    }

    /** The key's record as stored (with its lease id): for checks at the edge that need the holder. */
    public Optional<LockRecord> record(LockKey key) {
        return table.get(key);
    }

    /** Advisory: the enforcing check is the fenced state write. */
    public FenceCheck validateFence(LockKey key, long token) {
        LockRecord record = table.get(key).orElseGet(() -> LockRecord.absent(key));
        long currentToken = fences.token(record.fenceCounter());
        // A plain Terraform run's lock carries the last lease's counter but is no lease: no token is current under it.
        boolean current =
                token != 0 && token == currentToken && record.liveAt(clock.millis()) && !PlainRunLock.holds(record);
        return new FenceCheck(current, currentToken);
    }

    public StatusPage list(String prefix, int pageSize, String pageToken, boolean heldOnly) {
        KeyPrefix p = KeyPrefix.of(prefix);
        if (pageSize < 0) throw InvalidArgumentException.of("page_size", "must not be negative");
        int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
        RecordPage page = table.list(p.value(), size, pageToken == null ? "" : pageToken);
        long now = clock.millis();
        List<LockStatus> locks = new ArrayList<>();
        for (LockRecord record : page.records()) {
            LockStatus status = LockStatus.of(record, fences, now);
            if (!heldOnly || status.held()) locks.add(status);
        }
        return new StatusPage(locks, page.nextPageToken());
    }

    /** Stops taking waiters and fails the queued ones (they get UNAVAILABLE and retry elsewhere). */
    public void shutdown() {
        waits.shutdown();
    }

    /** Who waits for {@code key} on this replica, in the order they will be granted it. */
    public List<QueuedCaller> waiters(LockKey key) {
        return waits.waitersOf(key);
    }

    public int waitingCallers() {
        return waits.waiting();
    }

    private void releaseUndeliverable(Lease lease) {
        release(lease.key(), lease.leaseId());
    }

    private static void requireLeaseId(String leaseId) {
        if (leaseId == null || leaseId.isEmpty()) throw InvalidArgumentException.of("lease_id", "must not be empty");
        if (leaseId.length() > 128) throw InvalidArgumentException.of("lease_id", "must be at most 128 characters");
    }

    private String lostMessage(LockRecord current, String leaseId, long now) {
        if (leaseId.equals(current.leaseId())) {
            return "lease on " + current.key() + " expired " + (now - current.expiresAtMs())
                    + " ms ago; it is lost for good";
        }
        if (current.hasLease()) {
            return "lease on " + current.key() + " is lost: the key is now held by " + current.owner()
                    + " with fencing token " + fences.token(current.fenceCounter());
        }
        return "lease on " + current.key() + " is not held (released, broken or never granted)";
    }
}
