package io.statelock.cli;

/** The CLI's exit codes: a fixed contract (documented in --help and clients/README.md#exit-codes). */
final class ExitCodes {
    static final int OK = 0;
    /** EX_USAGE: bad flags or arguments, or a request the service rejected as invalid. */
    static final int USAGE = 64;
    /** EX_UNAVAILABLE: the service could not be reached or did not answer in time. */
    static final int UNREACHABLE = 69;
    /** EX_SOFTWARE: any other error. */
    static final int OTHER = 70;
    /** EX_TEMPFAIL: the lock was not acquired within --wait. */
    static final int NOT_ACQUIRED = 75;
    /** The lease was lost (the child of `run` was stopped). */
    static final int LEASE_LOST = 76;
    /** EX_NOPERM: unauthenticated or permission denied. */
    static final int PERMISSION = 77;

    private ExitCodes() {}
}
