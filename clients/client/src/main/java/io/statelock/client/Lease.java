package io.statelock.client;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A held lock. The lease renews itself in the background (over the {@code KeepAlive} stream at
 * a third of its ttl, falling back to unary heartbeats) until it is closed or lost.
 *
 * <p>It is <em>lost</em> when the service says so ({@code LeaseLost}) or when the client's own
 * monotonic clock says that the granted ttl, minus a safety margin, has passed since the send time
 * of the last renewal that succeeded. Server timestamps are never used for that decision. A lost
 * lease never becomes valid again: stop writing, and pass {@link #fencingToken()} with every write
 * so that the store can refuse a writer that has been fenced out.
 *
 * <p>{@link #close()} releases the lock once; it is safe to call repeatedly and from
 * try-with-resources.
 */
public interface Lease extends LeaseRef, AutoCloseable {
    /** The lock key. */
    @Override
    String key();

    /** The lease id: a secret of the holder, needed to renew or release. */
    @Override
    String leaseId();

    /** The fencing token of this lease: greater than every token issued before for this key. */
    @Override
    long fencingToken();

    /**
     * For a Terraform S3 state: the ID of Terraform's own lock the service holds for this lease, which keeps plain
     * Terraform runs out; a Terraform run under this lease must not take it ({@code -lock=false}). Else empty.
     */
    default String terraformLockId() {
        return "";
    }

    /**
     * When the service says the lease expires unless renewed (service clock, informational; the
     * lease's validity is judged by the client's monotonic clock, see {@link #isValid()}).
     */
    Instant expiresAt();

    /** The ttl the service granted at the last renewal. */
    Duration ttl();

    /** True while the lease is neither lost nor closed, by the client's own clock. */
    boolean isValid();

    /**
     * Registers a callback run once, on a client thread, when the lease is lost (not when it is
     * closed). Registered after the loss, it runs at once.
     */
    void onLost(Consumer<LeaseLostException> callback);

    /** Stops renewing and releases the lock. Idempotent: only the first call releases. */
    @Override
    void close();
}
