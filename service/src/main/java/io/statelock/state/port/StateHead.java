package io.statelock.state.port;

import io.statelock.lock.LockRecord;
import io.statelock.state.StateVersion;
import java.util.Optional;

/**
 * A key's lock record with its state pointer: the current version and the oldest version still kept.
 * Read in one consistent read, so the lease and the pointer belong together; the versions between
 * {@code oldestSeq} and the current one are read with {@link StatePointers#versions}.
 */
public record StateHead(LockRecord lock, Optional<StateVersion> current, long oldestSeq) {

    public StateHead {
        current = current == null ? Optional.empty() : current;
        if (current.isPresent() && (oldestSeq < 1 || oldestSeq > current.get().seq())) {
            throw new IllegalArgumentException("oldest kept version " + oldestSeq + " outside 1.."
                    + current.get().seq());
        }
    }

    /** The head of a key with no state. */
    public static StateHead empty(LockRecord lock) {
        return new StateHead(lock, Optional.empty(), 0);
    }

    /** The seq of the current version, 0 when nothing was ever written. */
    public long currentSeq() {
        return current.map(StateVersion::seq).orElse(0L);
    }
}
