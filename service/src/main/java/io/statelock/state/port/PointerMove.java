package io.statelock.state.port;

import io.statelock.lock.LockKey;
import io.statelock.state.StateVersion;
import java.util.List;

/**
 * A fenced move of the state pointer: succeeds only while {@code leaseId} holds the key with fence
 * counter {@code fenceCounter}, unexpired at {@code nowMs}, and the current version is still
 * {@code expectedSeq} (0: none yet). {@code history} is the complete new history, newest first,
 * starting with the new version: the store replaces the old one with it in the same write.
 */
public record PointerMove(LockKey key, String leaseId, long fenceCounter, long nowMs, long expectedSeq,
                          List<StateVersion> history) {

    public PointerMove {
        history = List.copyOf(history);
        if (history.isEmpty() || history.get(0).seq() <= expectedSeq) {
            throw new IllegalArgumentException("the history must start with a version newer than " + expectedSeq);
        }
    }

    public StateVersion next() {
        return history.get(0);
    }
}
