package io.statelock.state.port;

import io.statelock.common.LockKey;
import io.statelock.state.StateVersion;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A fenced move of the state pointer to {@code next}: succeeds only while {@code leaseId} holds the key with
 * fence counter {@code fenceCounter}, unexpired at {@code nowMs}, and the current version is still
 * {@code expectedSeq} (0: none yet), which is {@code previous} (empty only when nothing keeps it). Versions older than {@code oldestKept} leave
 * the history in the same move (retention); {@code previous} stays in it when its seq is at least that.
 */
public record PointerMove(
        LockKey key,
        String leaseId,
        long fenceCounter,
        long nowMs,
        long expectedSeq,
        StateVersion next,
        Optional<StateVersion> previous,
        long oldestKept) {

    public PointerMove {
        Objects.requireNonNull(next, "next");
        previous = previous == null ? Optional.empty() : previous;
        if (next.seq() <= expectedSeq) {
            throw new IllegalArgumentException("the next version must be newer than " + expectedSeq);
        }
        if (previous.filter(p -> p.seq() != expectedSeq).isPresent()) {
            throw new IllegalArgumentException("the previous version must be the expected one, " + expectedSeq);
        }
        if (oldestKept < 1 || oldestKept > next.seq()) {
            throw new IllegalArgumentException("the oldest kept version must be in 1.." + next.seq());
        }
    }

    /**
     * The move to the first version of {@code history} (newest first, complete after the move): the previous
     * version is the second when it is {@code expectedSeq}, the oldest kept is the last.
     */
    public PointerMove(
            LockKey key, String leaseId, long fenceCounter, long nowMs, long expectedSeq, List<StateVersion> history) {
        this(
                key,
                leaseId,
                fenceCounter,
                nowMs,
                expectedSeq,
                history.get(0),
                history.size() > 1 && history.get(1).seq() == expectedSeq
                        ? Optional.of(history.get(1))
                        : Optional.empty(),
                history.get(history.size() - 1).seq());
    }

    /** Whether the version being replaced stays in the history after this move. */
    public boolean keepsPrevious() {
        return previous.filter(p -> p.seq() >= oldestKept).isPresent();
    }
}
