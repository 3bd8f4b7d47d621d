package io.statelock.state;

import io.statelock.lock.LockKey;
import io.statelock.store.PointerMove;
import io.statelock.store.PointerResult;
import io.statelock.store.StateHistory;
import io.statelock.store.StatePointers;
import io.statelock.testing.ManualClock;
import java.time.Duration;

/** The real store, with the clock jumping a minute just before the pointer write (a writer paused mid-write). */
final class LateTable implements StatePointers {
    private final StatePointers d;
    private final ManualClock clock;

    LateTable(StatePointers delegate, ManualClock clock) {
        this.d = delegate;
        this.clock = clock;
    }

    @Override
    public PointerResult movePointer(PointerMove move) {
        clock.advance(Duration.ofMinutes(1));
        return d.movePointer(new PointerMove(move.key(), move.leaseId(), move.fenceCounter(), clock.millis(),
                move.expectedSeq(), move.history()));
    }

    @Override
    public StateHistory stateHistory(LockKey key) {
        return d.stateHistory(key);
    }
}
