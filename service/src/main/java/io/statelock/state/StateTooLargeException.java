package io.statelock.state;

import io.statelock.common.StatelockException;

/**
 * A state write is larger than {@code statelock.state.max-size}: refused as soon as it crosses the limit
 * (the rest is not read), nothing stored. Retrying the same bytes cannot succeed.
 */
public final class StateTooLargeException extends StatelockException {
    private final long maxSize;

    public StateTooLargeException(long maxSize) {
        super(
                Kind.TOO_LARGE,
                "the state is larger than this service accepts: at most " + StateLimits.describe(maxSize)
                        + " (statelock.state.max-size); nothing stored");
        this.maxSize = maxSize;
    }

    /** The limit, in bytes. */
    public long maxSize() {
        return maxSize;
    }
}
