package io.statelock.lock;

import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import java.time.Clock;

/** One acquire attempt: one conditional write, plus the idempotent-retry rule on a failed condition. */
final class AcquireAttempt implements AcquireTries {
    private final LockTable table;
    private final LockSettings settings;
    private final FencingTokens fences;
    private final Clock clock;
    private final LockEvents events;

    AcquireAttempt(LockTable table, LockSettings settings, Clock clock, LockEvents events) {
        this.table = table;
        this.settings = settings;
        this.fences = settings.fences();
        this.clock = clock;
        this.events = events;
    }

    @Override
    public Outcome tryOnce(AcquireCommand command) {
        long now = clock.millis();
        long ttlMs = command.effectiveTtl(settings).toMillis();
        NewLease lease = new NewLease(
                command.key(), LeaseIds.newLeaseId(), command.owner(), command.info(), now, ttlMs, command.requestId());
        // A lease becomes takeable only after expiresAt + maxClockSkew on this replica's clock
        // (docs/design.md#invariant-1).
        AcquireResult result =
                table.acquire(lease, now - settings.maxClockSkew().toMillis());
        if (result instanceof AcquireResult.Granted granted) {
            announce(granted);
            return new Outcome.Won(Lease.granted(granted.record(), granted.previous(), fences));
        }
        LockRecord holder = ((AcquireResult.Held) result).holder();
        if (isRetryOf(holder, command, now)) {
            return new Outcome.Won(Lease.of(holder, fences));
        }
        return new Outcome.Blocked(holder);
    }

    /** A retried acquire (same non-empty request id, same owner, lease still live) gets its lease back. */
    private static boolean isRetryOf(LockRecord holder, AcquireCommand command, long now) {
        return !command.requestId().isEmpty()
                && command.requestId().equals(holder.requestId())
                && command.owner().equals(holder.owner())
                && holder.liveAt(now);
    }

    private void announce(AcquireResult.Granted granted) {
        long now = clock.millis();
        LockRecord previous = granted.previous();
        if (previous != null && previous.hasLease()) {
            events.publish(new LockEvent(LockEvent.Type.EXPIRED, LockStatus.holderOf(previous, fences), now));
        }
        events.publish(new LockEvent(LockEvent.Type.ACQUIRED, LockStatus.of(granted.record(), fences, now), now));
    }
}
