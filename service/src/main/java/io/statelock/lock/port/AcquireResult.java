package io.statelock.lock.port;

import io.statelock.lock.LockRecord;

/** Outcome of one acquire write. */
public sealed interface AcquireResult {
    /** The write won; {@code previous} is the record it replaced (absent key: counter 0, no lease). */
    record Granted(LockRecord record, LockRecord previous) implements AcquireResult {}

    /** The condition failed; {@code holder} is the record as read right after (consistent read). */
    record Held(LockRecord holder) implements AcquireResult {}
}
