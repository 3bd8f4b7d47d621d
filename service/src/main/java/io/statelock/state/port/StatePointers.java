package io.statelock.state.port;

import io.statelock.lock.port.LockTable;

import io.statelock.lock.LockKey;

/**
 * Port to the state pointer on the lock record (DESIGN.md "Lock record": the current version and a
 * bounded history). Implemented by every {@link LockTable}: the pointer lives on the same item as
 * the lease, so the fence check and the pointer move are one conditional write.
 */
public interface StatePointers {

    /** A strongly consistent read of the key's lock record and state history (newest first). */
    StateHistory stateHistory(LockKey key);

    /**
     * Moves the state pointer and replaces the history in one conditional write, fenced on the
     * lease, its fence counter, its expiry and the previous version (DESIGN.md invariant 3).
     */
    PointerResult movePointer(PointerMove move);

    /**
     * Whether {@link #movePointer} refuses every writer but the key's current, unexpired holder with its fence:
     * true for every store. The coordinator's early, advisory holder checks mirror it; only the safety harness's
     * deliberately broken replica (a decorator wired by boot under the harness profile) answers false.
     */
    default boolean fencesWriters() {
        return true;
    }
}
