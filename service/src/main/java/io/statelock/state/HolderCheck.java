package io.statelock.state;

import io.statelock.common.LockKey;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockStatus;
import io.statelock.state.port.StatePointers;
import java.time.Clock;

/** Whether a lease and fencing token are the key's current holder, the question every state write asks first. */
final class HolderCheck {
    private final StatePointers table;
    private final FencingTokens fences;
    private final Clock clock;

    HolderCheck(StatePointers table, FencingTokens fences, Clock clock) {
        this.table = table;
        this.fences = fences;
        this.clock = clock;
    }

    void require(LockRecord record, String leaseId, long counter) {
        // Advisory, it mirrors the store's check: a store that fences no writer (the safety harness's broken replica,
        // refused by the prod profile) is not second-guessed, so the stale writes it accepts really land.
        if (!table.fencesWriters()) return;
        long now = clock.millis();
        // The current, unexpired holder with the current token, and nobody else, may write.
        if (!leaseId.equals(record.leaseId()) || record.fenceCounter() != counter || !record.liveAt(now)) {
            throw lost(record, leaseId, counter, now);
        }
    }

    LeaseLostException lost(LockRecord current, String leaseId, long counter, long now) {
        String why;
        if (leaseId.equals(current.leaseId()) && current.fenceCounter() == counter) {
            why = "the lease expired " + (now - current.expiresAtMs()) + " ms ago";
        } else if (current.hasLease()) {
            why = "the key is held by " + current.owner() + " with fencing token "
                    + fences.token(current.fenceCounter());
        } else {
            why = "the key is not held (released, broken or expired); current fencing token "
                    + fences.token(current.fenceCounter());
        }
        return new LeaseLostException(
                "state write to " + current.key() + " refused: " + why, LockStatus.of(current, fences, now));
    }

    long counterOf(LockKey key, long token) {
        long counter = fences.counterOf(token);
        // A token of another epoch can never be current: refuse without touching the store.
        if (counter <= 0) {
            LockRecord current = table.stateHead(key).lock();
            throw new LeaseLostException(
                    "fencing token " + token + " is not current for " + key,
                    LockStatus.of(current, fences, clock.millis()));
        }
        return counter;
    }
}
