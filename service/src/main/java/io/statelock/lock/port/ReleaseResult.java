package io.statelock.lock.port;

import io.statelock.lock.LockRecord;

/** Outcome of one release write. */
public sealed interface ReleaseResult {
    /** The lease was removed; {@code previous} is the record as it was before (the fence counter stays). */
    record Released(LockRecord previous) implements ReleaseResult {}

    /**
     * Nothing was removed: the key does not hold this lease (already released, broken or taken), or it
     * does but not for the caller's identity; {@code current} is the record as read right after.
     */
    record NotHeld(LockRecord current) implements ReleaseResult {}
}
