package io.statelock.lock;

/**
 * Who a call made under a lease must be, with authentication on: the lease's recorded owner (the
 * token's subject) and, for a token that has expired since, a lease taken no later than the token's
 * expiry plus the leeway. The store checks both in the same conditional write as the lease id, so a
 * heartbeat or release is one store call; after a failed condition, {@link Refusal#check} turns a
 * record that holds this lease but fails the check into the caller's error (not "lease lost").
 * The owner of a lease never changes (only an acquire writes it, with a new lease id), so checking
 * it against any read of the record that names the lease is as good as checking it in the write.
 *
 * @param owner                 the owner the record must name; empty: anyone (authentication off)
 * @param acquiredNoLaterThanMs the lease must have been acquired at or before this; {@code Long.MAX_VALUE}: any time
 * @param refusal               throws the caller's error for a record that holds the lease but fails the check
 */
public record LeaseOwner(String owner, long acquiredNoLaterThanMs, Refusal refusal) {
    /** No owner check: authentication is off, or the service acts on a lease of its own. */
    public static final LeaseOwner ANYONE = new LeaseOwner("", Long.MAX_VALUE, (leaseId, current) -> {});

    /** The caller's error for a record that holds {@code leaseId} but not for this owner; returns quietly otherwise. */
    @FunctionalInterface
    public interface Refusal {
        void check(String leaseId, LockRecord current);
    }

    public LeaseOwner {
        owner = owner == null ? "" : owner;
    }

    /** Whether the store must check the owner at all. */
    public boolean checked() {
        return !owner.isEmpty();
    }

    /** Whether the store must also bound the lease's acquire time (an expired token). */
    public boolean boundsAcquiredAt() {
        return checked() && acquiredNoLaterThanMs != Long.MAX_VALUE;
    }

    /** The store's check in code, for a record already known to hold the lease. */
    public boolean admits(LockRecord record) {
        return !checked() || (owner.equals(record.owner()) && record.acquiredAtMs() <= acquiredNoLaterThanMs);
    }
}
