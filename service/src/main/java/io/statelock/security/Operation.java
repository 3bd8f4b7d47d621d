package io.statelock.security;

/** Every operation a caller can ask for, with the role it needs. */
public enum Operation {
    DESCRIBE(Role.READER, false),
    LIST(Role.READER, false),
    WATCH(Role.READER, false),
    VALIDATE_FENCE(Role.READER, false),
    GET_STATE(Role.READER, false),
    LIST_VERSIONS(Role.READER, false),
    ACQUIRE(Role.LOCKER, false),
    HEARTBEAT(Role.LOCKER, true),
    RELEASE(Role.LOCKER, true),
    PUT_STATE(Role.LOCKER, true),
    LOCK(Role.LOCKER, false),
    UNLOCK(Role.LOCKER, true),
    /** Terraform's LOCK inside {@code statelock run}: joins the wrapper's lease rather than taking one. */
    JOIN(Role.LOCKER, true),
    FORCE_RELEASE(Role.ADMIN, false),
    ROLLBACK(Role.ADMIN, false),
    DELETE_STATE(Role.ADMIN, false),
    FORCE_UNLOCK(Role.ADMIN, false),
    AUDIT(Role.ADMIN, false);

    private final Role needs;
    private final boolean underLease;

    Operation(Role needs, boolean underLease) {
        this.needs = needs;
        this.underLease = underLease;
    }

    public Role needs() {
        return needs;
    }

    /** Made under a live lease: the token may have expired since the acquire (the lease is the second factor). */
    public boolean underLease() {
        return underLease;
    }

    /** Name for messages, e.g. {@code force-release}. */
    public String label() {
        return name().toLowerCase().replace('_', '-');
    }
}
