package io.statelock.client;

/**
 * Work done while holding a lock, by {@link Locks#withLock(String, AcquireOptions, LockedBody)}:
 * it gets the held {@link Lease} (for its fencing token, {@link Lease#isValid()}, {@link Lease#onLost})
 * and returns a result. It may throw a checked exception of its own type, which {@code withLock}
 * throws on after releasing the lock.
 *
 * @param <T> the result
 * @param <E> the checked exception the body may throw ({@code RuntimeException} when it throws none)
 */
@FunctionalInterface
public interface LockedBody<T, E extends Exception> {
    T run(Lease lease) throws E;
}
