package io.statelock.state;

import io.statelock.common.StatelockException;

/**
 * This replica's disk has too little free space to take a state write: writing it would leave less than
 * {@code statelock.state.min-free-space} free (or the disk is full). Nothing stored; the replica keeps
 * serving everything else. Retry later, or against another replica.
 */
public final class InsufficientStorageException extends StatelockException {
    private InsufficientStorageException(String message, Throwable cause) {
        super(Kind.INSUFFICIENT_STORAGE, message, cause);
    }

    static InsufficientStorageException belowMargin(String disk, long usable, long margin) {
        return new InsufficientStorageException(
                "not enough free disk space on this replica for the state write: the "
                        + disk + " has " + StateLimits.describe(Math.max(0, usable)) + " free and a write must leave "
                        + StateLimits.describe(margin)
                        + " free (statelock.state.min-free-space); nothing stored, retry later",
                null);
    }

    static InsufficientStorageException full(String disk, Throwable cause) {
        return new InsufficientStorageException(
                "the " + disk + " of this replica is full; nothing stored, retry later", cause);
    }
}
