package io.statelock.lock;

import io.statelock.common.StatelockException;

/** The key is held by another lease (after waiting, if the caller asked to wait). */
public final class LockHeldException extends StatelockException {
    private final LockStatus holder;

    public LockHeldException(LockStatus holder) {
        super(
                Kind.HELD,
                "lock " + holder.key() + " is held by " + holder.owner()
                        + (holder.info().operation().isEmpty()
                                ? ""
                                : " (" + holder.info().operation() + ")"));
        this.holder = holder;
    }

    public LockStatus holder() {
        return holder;
    }
}
