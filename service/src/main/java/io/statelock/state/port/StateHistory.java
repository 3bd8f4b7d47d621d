package io.statelock.state.port;

import io.statelock.lock.LockRecord;
import io.statelock.state.StateVersion;
import java.util.List;
import java.util.Optional;

/**
 * A key's lock record with every kept version, newest first (the first is the current one): for the orphan
 * collector and for checks, never for the write path, which reads only the {@link StateHead}.
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
