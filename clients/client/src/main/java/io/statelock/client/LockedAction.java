package io.statelock.client;

/**
 * Work done while holding a lock that needs neither the lease nor a result, by {@link
 * Locks#withLock(String, AcquireOptions, LockedAction)}; like {@link Runnable}, but it may
 * throw a checked exception of its own type. Work that writes fenced state needs the lease's fencing
 * token: use a {@link LockedBody} for that.
 *
 * @param <E> the checked exception the action may throw ({@code RuntimeException} when it throws none)
 */
@FunctionalInterface
public interface LockedAction<E extends Exception> {
    void run() throws E;
}
