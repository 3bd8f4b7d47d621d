package io.statelock.lock.port;

import io.statelock.lock.LockRecord;

/** Outcome of a forced release. */
public sealed interface ForceReleaseResult {
    record Broken(LockRecord previous) implements ForceReleaseResult {}

    /** Nothing to break: the key has no lease. */
    record NotHeld(LockRecord current) implements ForceReleaseResult {}

    /** The key is held under another fence than the expected one. */
    record FenceMismatch(LockRecord current) implements ForceReleaseResult {}
}
