package io.statelock.state;

import io.statelock.common.LockKey;
import io.statelock.lock.AcquireCommand;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.Lease;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockStatus;
import java.time.Clock;
import java.time.Duration;

/**
 * The Terraform/OpenTofu http backend's use cases over the same locks and fenced state as gRPC.
 * Terraform picks the lock ID itself; it is kept as the lease's request id and, since it proves
 * the holder, is a credential: others only ever see the public id {@code fence-<token>}.
 * A request may instead present a live lease id (a run wrapped by {@code statelock run}): it then
 * joins that lease, writes fenced by it, and never releases it.
 */
public final class TerraformBackend {
    /** Lease of a write made without a lock (Terraform with {@code -lock=false}): just long enough for the write. */
    private static final Duration UNLOCKED_WRITE_TTL = Duration.ofMinutes(5);

    /** Outcome of LOCK. */
    public sealed interface LockOutcome {
        /** Acquired (or the same acquire retried), or joined the presented lease ({@code lease} null then). */
        record Locked(long fencingToken, Lease lease) implements LockOutcome {
            public boolean joined() {
                return lease == null;
            }
        }

        /** Held by someone else: answer 423 with this holder. */
        record Held(LockStatus holder) implements LockOutcome {}
    }

    private final LockCoordinator locks;
    private final StateCoordinator states;
    private final Clock clock;
    private final Duration leaseTtl;

    public TerraformBackend(LockCoordinator locks, StateCoordinator states, Clock clock, Duration leaseTtl) {
        this.locks = locks;
        this.states = states;
        this.clock = clock;
        this.leaseTtl = leaseTtl;
    }

    public FencingTokens fences() {
        return states.fences();
    }

    /** The key's lock record now (free if there is none), for checks that need to know whose lease it is. */
    public LockRecord current(LockKey key) {
        return record(key);
    }

    /**
     * LOCK by {@code owner} (under jwt the token's subject; Terraform's {@code Who} otherwise). {@code caller}
     * is who a request made under a lease must be (the lease named by the presented lease id or by this lock ID).
     */
    public LockOutcome lock(LockKey key, TerraformLock lock, String presentedLease, String owner, LeaseOwner caller) {
        if (presentedLease != null) {
            LockRecord r = record(key);
            caller.refusal().check(presentedLease, r); // a lease of another identity is refused, not joined
            // Joining needs the presented lease to be the key's live one; anything else is a lost lease.
            if (!presentedLease.equals(r.leaseId()) || !r.liveAt(clock.millis())) throw joinRefused(key, r);
            return new LockOutcome.Locked(fences().token(r.fenceCounter()), null);
        }
        LockInfo info =
                new LockInfo(lock.operation(), lock.who(), lock.version(), lock.path(), lock.info(), lock.labels());
        try {
            // Terraform's ID as request id: a LOCK retried by go-retryablehttp gets the same lease back.
            Lease lease = locks.acquire(new AcquireCommand(key, owner, leaseTtl, info, lock.id()), Duration.ZERO)
                    .join();
            return new LockOutcome.Locked(lease.fencingToken(), lease);
        } catch (io.statelock.lock.LockHeldException held) {
            // Held under this very lock ID (a credential) by another identity: refused, as any call under that lease.
            LockRecord r = record(key);
            if (r.hasLease() && lock.id().equals(r.requestId()))
                caller.refusal().check(r.leaseId(), r);
            return new LockOutcome.Held(held.holder());
        }
    }

    /**
     * UNLOCK: Terraform's own ID releases; an empty ID (Terraform's force-unlock) or a public
     * {@code fence-<token>} (OpenTofu's) force-releases, audited; a joined run's unlock leaves the
     * wrapper's lease alone. An ID (or presented lease) that no longer holds the key releases nothing
     * and is no error, like {@code Release}: refused, Terraform would tell its user to force-unlock,
     * which would break the new holder's lock.
     */
    public UnlockOutcome unlock(LockKey key, String id, String presentedLease, LeaseOwner caller) {
        LockRecord r = record(key);
        LockStatus holder = LockStatus.holderOf(r, fences());
        if (presentedLease != null) {
            caller.refusal().check(presentedLease, r);
            if (presentedLease.equals(r.leaseId())) {
                return new UnlockOutcome(false, false, "the lease is statelock run's: it releases it", holder);
            }
            return UnlockOutcome.notHeld("the presented lease no longer holds " + key + "; nothing released");
        }
        if (id == null || id.isEmpty()) {
            return forced(key, "force-unlock through the Terraform http backend (no lock ID)", 0);
        }
        if (TerraformLock.isPublicId(id)) {
            long token = TerraformLock.tokenOfPublicId(id);
            // A public id that names no token (fence-0, past 2^63-1) is no holder's: refused as a wrong one is.
            if (token <= 0) throw lost(key, r, id);
            return forced(key, "force-unlock through the Terraform http backend of " + id, token);
        }
        // Only the lease Terraform's ID was given to: a wrong or old ID releases nothing.
        if (!r.hasLease() || !id.equals(r.requestId())) {
            return UnlockOutcome.notHeld("this lock ID no longer holds " + key
                    + " (its lease ended: expired, broken or released); nothing released");
        }
        caller.refusal().check(r.leaseId(), r);
        return new UnlockOutcome(locks.release(key, r.leaseId(), caller), false, "", holder);
    }

    /**
     * Outcome of UNLOCK: whether a lease was released, whether by force, why (or why nothing was
     * released), and the holder before ({@code null} when the caller's lease was no longer there).
     */
    public record UnlockOutcome(boolean released, boolean forced, String reason, LockStatus previous) {
        static UnlockOutcome notHeld(String why) {
            return new UnlockOutcome(false, false, why, null);
        }
    }

    private UnlockOutcome forced(LockKey key, String reason, long expectedToken) {
        LockCoordinator.ForceReleaseOutcome outcome = locks.forceRelease(key, reason, expectedToken);
        return new UnlockOutcome(outcome.released(), true, reason, outcome.previous());
    }

    /**
     * POST: a fenced write by the lease the lock ID (or presented lease) stands for; renews it. {@code meta} is the
     * body's serial and lineage, read by the caller's check of the body.
     */
    public StateVersion write(
            LockKey key,
            String id,
            String presentedLease,
            String owner,
            LeaseOwner caller,
            Spool spool,
            TerraformMeta meta) {
        if (presentedLease == null && (id == null || id.isEmpty())) {
            return unlockedWrite(key, owner, spool, meta);
        }
        Lease lease = renewed(key, id, presentedLease, caller);
        return states.put(new PutCommand(key, lease.leaseId(), lease.fencingToken(), ""), spool, meta);
    }

    /** DELETE: a tombstone version, fenced the same way as a write. */
    public StateVersion delete(LockKey key, String id, String presentedLease, String owner, LeaseOwner caller) {
        if (presentedLease == null && (id == null || id.isEmpty())) {
            Lease lease = transientLease(key, owner);
            try {
                return states.delete(key, lease.leaseId(), lease.fencingToken());
            } finally {
                locks.release(key, lease.leaseId());
            }
        }
        Lease lease = renewed(key, id, presentedLease, caller);
        return states.delete(key, lease.leaseId(), lease.fencingToken());
    }

    public StateRead read(LockKey key) {
        return states.read(key, "");
    }

    /**
     * The lease the request stands for, renewed by this request (Terraform persists state during long applies),
     * and {@code caller}'s: checked on the read that finds the lease, and again in the heartbeat's own write.
     */
    private Lease renewed(LockKey key, String id, String presentedLease, LeaseOwner caller) {
        LockRecord r = record(key);
        requireWriter(key, id, presentedLease, caller, r);
        // A joined run: the wrapper's heartbeats keep the lease; the write is fenced by it as it is.
        if (presentedLease != null)
            return new Lease(key, r.leaseId(), fences().token(r.fenceCounter()), r.expiresAtMs(), r.ttlMs());
        return locks.heartbeat(key, r.leaseId(), leaseTtl, caller);
    }

    /**
     * Refuses a write under a lock ID or presented lease that is not {@code caller}'s live lease on the key as
     * {@code r} shows it: the same check {@link #write} makes, for an early look before a body is taken in
     * (a stale or made-up ID must not get a whole state spooled to disk before its 409). Writes without a lock
     * pass; they take a lease of their own.
     */
    public void requireWriter(LockKey key, String id, String presentedLease, LeaseOwner caller, LockRecord r) {
        if (presentedLease == null && (id == null || id.isEmpty())) return;
        if (presentedLease != null) {
            caller.refusal().check(presentedLease, r);
            if (!presentedLease.equals(r.leaseId()) || !r.liveAt(clock.millis()))
                throw lost(key, r, "the presented lease");
            return;
        }
        // The ID must be the one Terraform locked with, on the lease that is live now.
        if (!r.hasLease() || !id.equals(r.requestId())) throw lost(key, r, "the lock ID");
        caller.refusal().check(r.leaseId(), r);
    }

    /** Terraform with {@code -lock=false}: still fenced, by a lease of its own for just this write. */
    private StateVersion unlockedWrite(LockKey key, String owner, Spool spool, TerraformMeta meta) {
        Lease lease = transientLease(key, owner);
        try {
            return states.put(new PutCommand(key, lease.leaseId(), lease.fencingToken(), ""), spool, meta);
        } finally {
            locks.release(key, lease.leaseId());
        }
    }

    private Lease transientLease(LockKey key, String owner) {
        try {
            return locks.acquire(new AcquireCommand(key, owner, UNLOCKED_WRITE_TTL, LockInfo.EMPTY, ""), Duration.ZERO)
                    .join();
        } catch (io.statelock.lock.LockHeldException held) {
            throw new LeaseLostException(
                    "state of " + key + " is locked by " + held.holder().owner()
                            + "; a write without its lock ID is refused",
                    held.holder());
        }
    }

    private LockRecord record(LockKey key) {
        return locks.record(key).orElseGet(() -> LockRecord.absent(key));
    }

    private LeaseLostException lost(LockKey key, LockRecord current, String what) {
        LockStatus status = LockStatus.of(current, fences(), clock.millis());
        return new LeaseLostException(what + " does not hold " + key + " (it is " + describe(status) + ")", status);
    }

    /**
     * A joined LOCK whose presented lease is not the key's live one: most often {@code statelock run --key}
     * names another key than the backend address (a prefix of it, say), or the run's lease has ended.
     */
    private LeaseLostException joinRefused(LockKey key, LockRecord current) {
        LockStatus status = LockStatus.of(current, fences(), clock.millis());
        return new LeaseLostException(
                "the lease of statelock run does not hold " + key + " (it is " + describe(status)
                        + "): statelock run --key must name the key of the backend address, or its lease has ended",
                status);
    }

    private static String describe(LockStatus status) {
        return status.held()
                ? "held by " + status.owner() + " as " + TerraformLock.publicId(status.fencingToken())
                : "not locked";
    }
}
