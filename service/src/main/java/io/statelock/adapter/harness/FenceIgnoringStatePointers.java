package io.statelock.adapter.harness;

import io.statelock.common.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHead;
import io.statelock.state.port.StatePointers;
import java.util.List;
import java.util.Objects;

/**
 * BROKEN ON PURPOSE: the safety harness's deliberately broken replica ({@code statelock.testing.skip-fence-check},
 * wired by boot only under the harness, test or dev profile and refused under any other). Only the harness's build
 * of the service ({@code service/target/harness-app}) carries this class: the production jar leaves it out. Its state writes ignore
 * the writer's lease and fence: a stale writer's move is made under the key's current lease instead, so only the
 * version condition is left, and the harness must catch the stale writes it lets through (its check 1).
 *
 * <p>The store below is the real one and still checks fences: this decorator hands it credentials that pass. A key
 * with no lease at all (released, never acquired) has none to borrow, so a write to it is refused as lost.
 */
public final class FenceIgnoringStatePointers implements StatePointers {
    private final StatePointers store;

    public FenceIgnoringStatePointers(StatePointers store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public StateHead stateHead(LockKey key) {
        return store.stateHead(key);
    }

    @Override
    public List<StateVersion> versions(LockKey key, long beforeSeq, int limit) {
        return store.versions(key, beforeSeq, limit);
    }

    @Override
    public PointerResult movePointer(PointerMove move) {
        LockRecord current = store.stateHead(move.key()).lock();
        if (!current.hasLease()) return new PointerResult.LeaseLost(current);
        // BROKEN ON PURPOSE: the current lease's id and fence, at a time it is still unexpired, whoever writes.
        PointerMove borrowed = new PointerMove(
                move.key(),
                current.leaseId(),
                current.fenceCounter(),
                Math.min(move.nowMs(), current.expiresAtMs()),
                move.expectedSeq(),
                move.next(),
                move.previous(),
                move.oldestKept());
        PointerResult result = store.movePointer(borrowed);
        // The lease changed between the read and the write: as for a race, the writer decides again.
        return result instanceof PointerResult.LeaseLost ? new PointerResult.Raced() : result;
    }

    /** This store accepts any writer, so the domain's early holder checks must not refuse one either. */
    @Override
    public boolean fencesWriters() {
        return false;
    }
}
