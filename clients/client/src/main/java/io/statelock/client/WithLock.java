package io.statelock.client;

/**
 * Runs a {@link LockedBody} under a held lease and ends the lease however the body ends, with the
 * rules of {@link Locks#withLock(String, AcquireOptions, LockedBody)}: a body's exception
 * wins; a lease lost before a normal return is a {@link LeaseLostException}; a failed release after
 * a normal return under a valid lease is only logged.
 */
final class WithLock {
    private static final System.Logger LOG = System.getLogger(WithLock.class.getName());

    private WithLock() {}

    static <T, E extends Exception> T run(LeaseImpl lease, LockedBody<T, E> body) throws E {
        T result;
        try {
            result = body.run(lease);
        } catch (Throwable failure) {
            endAfterFailure(lease, failure);
            throw failure;
        }
        LeaseLostException lost;
        try {
            lost = lease.closeReportingLoss();
        } catch (StatelockException releaseFailed) {
            // The work was done under a valid lease; an unreleased lease only delays the next holder by its ttl.
            LOG.log(
                    System.Logger.Level.WARNING,
                    () -> "could not release the lease on " + lease.key() + " (" + releaseFailed.getMessage()
                            + "); the service frees it when its ttl runs out");
            return result;
        }
        if (lost != null) {
            throw new LeaseLostException(
                    lost.code(),
                    "lease on " + lease.key() + " (fencing token "
                            + lease.fencingToken()
                            + ") was lost before the locked work returned, which may have overlapped "
                            + "another holder's: " + lost.getMessage(),
                    lost.current(),
                    lost);
        }
        return result;
    }

    /** Ends the lease after the body threw; a loss or a failed release goes with the body's exception. */
    private static void endAfterFailure(LeaseImpl lease, Throwable failure) {
        try {
            LeaseLostException lost = lease.closeReportingLoss();
            if (lost != null) {
                failure.addSuppressed(lost);
            }
        } catch (StatelockException releaseFailed) {
            failure.addSuppressed(releaseFailed);
        }
    }
}
