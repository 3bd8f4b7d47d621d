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
}
