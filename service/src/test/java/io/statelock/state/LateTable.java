package io.statelock.state;

import io.statelock.common.LockKey;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHead;
import io.statelock.state.port.StatePointers;
import io.statelock.testing.ManualClock;
import java.time.Duration;
import java.util.List;

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
        return d.movePointer(new PointerMove(
                move.key(),
                move.leaseId(),
                move.fenceCounter(),
                clock.millis(),
                move.expectedSeq(),
                move.next(),
                move.previous(),
                move.oldestKept()));
    }

    @Override
    public StateHead stateHead(LockKey key) {
        return d.stateHead(key);
    }

    @Override
    public List<StateVersion> versions(LockKey key, long beforeSeq, int limit) {
        return d.versions(key, beforeSeq, limit);
    }
}
