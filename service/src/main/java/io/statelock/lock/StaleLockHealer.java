package io.statelock.lock;

import io.statelock.common.LockKey;
import io.statelock.common.StatelockException;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.TerraformLocks;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Removes the Terraform lock statelock took for a lease that has ended without giving it back: its holder died
 * (kill -9 of a wrapped run and its child: the lease expires) or the removal at release failed. Each poll interval it
 * reads statelock's records under the Terraform S3 buckets and, for a key whose lease is expired past the clock skew
 * (or released), removes the Terraform lock if it is statelock's own for that lease or an older one (compare on its
 * ID; a plain run's lock is never touched). A stale lock is thus gone within ttl + max clock skew + one poll interval
 * of the lease's expiry, on any replica, with no record of its own. Each key is looked at once per lease that ended.
 */
public final class StaleLockHealer implements AutoCloseable {
    /** A removed lock: the key, its Terraform lock ID, and the lease it was held for. */
    public record Healed(LockKey key, String terraformLockId, String owner, long fencingToken, long expiredAtMs) {}

    private final LockTable table;
    private final TerraformLocks terraform;
    private final LockSettings settings;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Consumer<Healed> healed;
    /** The fence counter whose ended lease has been looked at, per key: looked at once. */
    private final Map<LockKey, Long> checked = new ConcurrentHashMap<>();

    private volatile boolean closed;
    private volatile Scheduler.Cancellable next;

    /** @param table statelock's own lock table (not the view that shows Terraform's locks) */
    public StaleLockHealer(
            LockTable table,
            TerraformLocks terraform,
            LockSettings settings,
            Clock clock,
            Scheduler scheduler,
            Consumer<Healed> healed) {
        this.table = table;
        this.terraform = terraform;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.healed = healed;
    }

    /** Starts the rounds; nothing to do without Terraform S3 buckets. */
    public void start() {
        if (!terraform.prefixes().isEmpty()) schedule();
    }

    private void schedule() {
        // Timing: one round per poll interval bounds how long a stale lock outlives its lease to that interval.
        if (!closed)
            next = scheduler.schedule(
                    this::roundQuietly, settings.pollInterval().toMillis());
    }

    private void roundQuietly() {
        try {
            round();
        } catch (StatelockException e) {
            // A store down: the next round tries again.
        } finally {
            schedule();
        }
    }

    /** One pass over the records under the Terraform S3 buckets. */
    void round() {
        long now = clock.millis();
        long skew = settings.maxClockSkew().toMillis();
        for (String prefix : terraform.prefixes()) {
            String token = "";
            do {
                RecordPage page = table.list(prefix, 500, token);
                for (LockRecord r : page.records()) {
                    boolean ended = !r.hasLease() || r.takeableAt(now, skew);
                    if (ended
                            && r.fenceCounter() > 0
                            && !Long.valueOf(r.fenceCounter()).equals(checked.get(r.key()))) {
                        try {
                            heal(r);
                            checked.put(r.key(), r.fenceCounter());
                        } catch (StatelockException e) {
                            // This key's Terraform lock cannot be read or removed now: the others go on, it comes
                            // round again next time.
                        }
                    }
                }
                token = page.nextPageToken();
            } while (!token.isEmpty() && !closed);
        }
    }

    private void heal(LockRecord ended) {
        Optional<PlainRunLock> lock = terraform.read(ended.key());
        if (lock.isEmpty()) return;
        long counter = TerraformMirror.counterOf(lock.get());
        // Only statelock's own lock of this lease or an earlier one: a newer lease's is live, a plain run's is theirs.
        if (counter < 0 || counter > ended.fenceCounter()) return;
        if (!terraform.remove(ended.key(), lock.get().id()).isEmpty()) {
            healed.accept(new Healed(
                    ended.key(),
                    lock.get().id(),
                    ended.owner(),
                    settings.fences().token(counter),
                    ended.expiresAtMs()));
        }
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable n = next;
        if (n != null) n.cancel();
    }
}
