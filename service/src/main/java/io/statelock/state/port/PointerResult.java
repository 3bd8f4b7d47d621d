package io.statelock.state.port;

import io.statelock.lock.LockRecord;
import io.statelock.lock.port.LockTable;

/** Outcome of {@link LockTable#movePointer}: a failed condition is a result, never an exception. */
public sealed interface PointerResult {
    /** The pointer moved: the new version exists. */
    record Moved() implements PointerResult {}

    /** The lease is not (or no longer) the key's live holder with that fence; nothing moved. */
    record LeaseLost(LockRecord current) implements PointerResult {}

    /** The lease is fine but another write moved the pointer first; re-read and decide again. */
    record Raced() implements PointerResult {}
}
