package io.statelock.lock.port;

import io.statelock.lock.LockRecord;

/** Outcome of one heartbeat write. */
public sealed interface HeartbeatResult {
    record Renewed(LockRecord record) implements HeartbeatResult {}

    /** Not this lease any more, or expired; {@code current} is what the key holds now. */
    record Lost(LockRecord current) implements HeartbeatResult {}
}
