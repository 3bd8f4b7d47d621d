package io.statelock.state.port;

import io.statelock.common.LockKey;
import io.statelock.lock.port.LockTable;
import io.statelock.state.StateVersion;
import java.util.List;
import java.util.Optional;

/**
 * Port to the state pointer on the lock record (docs/design.md#lock-record: the current version, and the kept
 * older versions, immutable, beside it). Implemented by every {@link LockTable}: the pointer lives on the same
 * item as the lease, so the fence check and the pointer move are one conditional write.
 */
public interface StatePointers {

    /** A strongly consistent read of the key's lock record and state pointer: one store read. */
    StateHead stateHead(LockKey key);

    /**
     * The committed versions with a seq below {@code beforeSeq} (the current one included), newest first, at most
     * {@code limit}: exactly those the pointer has named and retention has kept.
     */
    List<StateVersion> versions(LockKey key, long beforeSeq, int limit);

    /**
     * Moves the state pointer in one conditional write, fenced on the lease, its fence counter, its expiry and
     * the previous version (docs/design.md#invariant-3); a version exists only once that write names it.
     */
    PointerResult movePointer(PointerMove move);

    /** The committed version {@code seq}, if it is kept. */
    default Optional<StateVersion> version(LockKey key, long seq) {
        return versions(key, seq + 1, 1).stream().filter(v -> v.seq() == seq).findFirst();
    }

    /** The record with every kept version, newest first (not one atomic read: for collectors and checks). */
    default StateHistory stateHistory(LockKey key) {
        return new StateHistory(stateHead(key).lock(), versions(key, Long.MAX_VALUE, Integer.MAX_VALUE));
    }

    /**
     * Whether {@link #movePointer} refuses every writer but the key's current, unexpired holder with its fence:
     * true for every store. The coordinator's early, advisory holder checks mirror it; only the safety harness's
     * deliberately broken replica (a decorator wired by boot under the harness profile) answers false.
     */
    default boolean fencesWriters() {
        return true;
    }
}
