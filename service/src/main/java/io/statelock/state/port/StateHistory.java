package io.statelock.state.port;

import io.statelock.lock.LockRecord;
import io.statelock.state.StateVersion;
import java.util.List;
import java.util.Optional;

/**
 * A key's lock record with its state history, newest first: the first version is the current one
 * (the state pointer). Read in one consistent read, so the lease and the pointer belong together.
 */
public record StateHistory(LockRecord lock, List<StateVersion> versions) {

    public StateHistory {
        versions = List.copyOf(versions);
    }

    public Optional<StateVersion> current() {
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(0));
    }

    /** The seq of the current version, 0 when nothing was ever written. */
    public long currentSeq() {
        return versions.isEmpty() ? 0 : versions.get(0).seq();
    }
}
