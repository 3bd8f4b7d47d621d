package io.statelock.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Leases on keys: take one ({@link #acquire}, {@link #tryAcquire}, {@link #withLock}, or their async
 * forms), or manage one by id across processes ({@link #acquireDetached}, {@link #heartbeat}, {@link
 * #release}). Get it from {@link StatelockClient#locks()}.
 *
 * <p>Options objects are meant to be shared: every call is a new acquire with its own request id,
 * whichever thread makes it and however often the same options are passed; only that call's own
 * retries reuse its id (unless the options carry one, see {@link AcquireOptions.Builder#requestId}).
 */
public interface Locks {

    /**
     * Acquires the lock on {@code key}, waiting server-side up to {@link AcquireOptions#waitTimeout()}.
     *
     * @throws LockHeldException when the lock is still held when the wait ends
     * @throws StatelockUnavailableException when the service cannot be reached
     */
    Lease acquire(String key, AcquireOptions options);

    /**
     * Acquires like {@link #acquire}, but a lock still held by another lease when the options' wait
     * ends (at once, for a zero wait) is an answer, not an error.
     *
     * @return the held lease, or empty when the key is held by another lease
     * @throws StatelockUnavailableException when the service cannot be reached (and every other error
     *     {@link #acquire} throws, except {@link LockHeldException})
     */
    default Optional<Lease> tryAcquire(String key, AcquireOptions options) {
        try {
            return Optional.of(acquire(key, options));
        } catch (LockHeldException held) {
            return Optional.empty();
        }
    }

    /**
     * {@link #acquire} on a client thread. The future completes with the lease, or exceptionally with
     * what {@code acquire} would throw ({@link LockHeldException} for a key still held when the wait
     * ends). Cancelling the future while the acquire waits cancels the wait at the service; a lease
     * whose grant reached this client before the cancellation took effect is released at once, never
     * handed out, and one granted while the answer was lost to the cancellation expires with its ttl.
     * Cancelling after the future completed changes nothing: the lease is the caller's to close.
     */
    CompletableFuture<Lease> acquireAsync(String key, AcquireOptions options);

    /**
     * {@link #tryAcquire} on a client thread: completes empty when the key is held by another lease
     * when the wait ends; cancellation as in {@link #acquireAsync}.
     */
    CompletableFuture<Optional<Lease>> tryAcquireAsync(String key, AcquireOptions options);

    /**
     * Acquires {@code key} (as {@link #acquire}: waiting up to the options' wait, else {@link
     * LockHeldException}), runs {@code body} with the lease and releases the lease however the body
     * ends. The lease renews itself while the body runs.
     *
     * <p><b>If the lease is lost while the body runs</b> (broken by an operator, or not renewed in
     * time by the client's own clock) the body is not interrupted: it can see it through {@link
     * Lease#isValid()}, {@link Lease#onLost}, and fenced writes ({@link States#put(LeaseRef, byte[])})
     * are refused with {@link LeaseLostException}. When the body then returns normally, {@code
     * withLock} throws {@link LeaseLostException} instead of returning its result, because part of the
     * work may have overlapped another holder's (as {@code statelock run} exits 76); this includes a
     * lease the service no longer held when the release reached it (unless the release had to be
     * retried: the first attempt may have released it itself, its answer lost). When the body throws,
     * that exception is thrown, with the loss or a failed release attached as suppressed.
     *
     * <p>A release that fails after the body returned normally under a valid lease (e.g. the service is
     * unreachable just then) does not fail the call: the lease is no longer renewed and the service
     * frees the key when its ttl runs out; the failure is logged at {@code WARNING}.
     *
     * @return what the body returned
     * @throws E what the body threw
     * @throws LockHeldException when the key is still held by another lease when the wait ends
     * @throws LeaseLostException when the lease was lost before the body returned
     */
    <T, E extends Exception> T withLock(String key, AcquireOptions options, LockedBody<T, E> body) throws E;

    /**
     * {@link #withLock(String, AcquireOptions, LockedBody)} for work that needs neither the lease nor a
     * result; the same rules apply.
     */
    default <E extends Exception> void withLock(String key, AcquireOptions options, LockedAction<E> action) throws E {
        this.<Void, E>withLock(key, options, lease -> {
            action.run();
            return null;
        });
    }

    /**
     * Acquires like {@link #acquire} but does not keep the lease alive: for callers that hand the
     * lease to other processes (the CLI's {@code acquire}), which renew it with {@link #heartbeat}
     * and end it with {@link #release} before its ttl runs out.
     */
    LeaseGrant acquireDetached(String key, AcquireOptions options);

    /** Renews a lease held by id (e.g. one acquired by another process); {@code ttl} may be null. */
    LeaseGrant heartbeat(String key, String leaseId, Duration ttl);

    /** Releases a lease by id; false when that lease was no longer held. */
    boolean release(String key, String leaseId);

    /** Advisory check that {@code fencingToken} is the current, unexpired holder's. */
    boolean validateFence(String key, long fencingToken);
}
