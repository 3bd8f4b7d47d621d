package io.statelock.client;

/**
 * What a lease's {@link RenewalLoop} and {@link LeaseWatchdog} need to know of it and tell it.
 * Both call it holding the lease's lock.
 */
interface LeaseStatus {
    /** False once the lease is lost or closed: nothing more is renewed or checked. */
    boolean active();

    /** The lease is lost (by the service's answer or the client's own clock): {@code cause} says why. */
    void lost(LeaseLostException cause);
}
