package io.statelock.client;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A lease that renews itself at a third of its ttl over one {@code KeepAlive} stream, falling
 * back to unary {@code Heartbeat} calls when the stream breaks, and that judges its own validity
 * by the monotonic clock: valid until (send time of the last successful renewal) + (granted ttl)
 * - (safety margin). Service timestamps are kept for display only. The renewals are a {@link
 * RenewalLoop}'s, the validity a {@link LeaseValidity}'s, the expiry by the client's clock a
 * {@link LeaseWatchdog}'s; this class keeps the lease's state and its public face.
 */
final class LeaseImpl implements Lease {
    private enum State {
        ACTIVE,
        LOST,
        CLOSED
    }

    private final GrpcLocks locks;
    private final ClientCore core;
    private final String key;
    private final String leaseId;
    private final long fencingToken;

    /** Guards every field below: touched by the caller, the timer thread and gRPC callbacks. */
    private final Object lock = new Object();

    private State state = State.ACTIVE;
    private final LeaseValidity validity;
    private final RenewalLoop renewals;
    private final LeaseWatchdog watchdog;
    private final LostCallbacks lostCallbacks;
    /** Why the lease was lost; null while it is not. */
    private LeaseLostException lostCause;

    private final String terraformLockId;

    LeaseImpl(GrpcLocks locks, LeaseGrant grant, Duration ttl, Duration margin, long originNanos) {
        this.locks = locks;
        this.core = locks.core();
        this.key = grant.key();
        this.leaseId = grant.leaseId();
        this.fencingToken = grant.fencingToken();
        this.terraformLockId = grant.terraformLockId();
        this.validity = new LeaseValidity(ttl, grant.expiresAt(), margin, originNanos);
        this.lostCallbacks = new LostCallbacks(core.callbacks);
        LeaseStatus status = new LeaseStatus() {
            @Override
            public boolean active() {
                return state == State.ACTIVE;
            }

            @Override
            public void lost(LeaseLostException cause) {
                markLost(cause);
            }
        };
        this.renewals = new RenewalLoop(lock, core, key, leaseId, validity, status);
        this.watchdog = new LeaseWatchdog(lock, core, key, validity, status);
    }

    private long now() {
        return core.nanoClock.getAsLong();
    }

    void start() {
        synchronized (lock) {
            if (validity.expiredAt(now())) {
                markLost(new LeaseLostException(
                        "CLIENT",
                        "lease on " + key + " lost: it ran out before it could be renewed (client's own clock)",
                        null,
                        null));
                return;
            }
            renewals.start();
            watchdog.arm();
        }
    }

    private void markLost(LeaseLostException cause) {
        state = State.LOST;
        lostCause = cause;
        renewals.stop("lease lost");
        watchdog.cancel();
        lostCallbacks.fire(cause);
    }

    // ---- public API ----

    @Override
    public String key() {
        return key;
    }

    @Override
    public String leaseId() {
        return leaseId;
    }

    @Override
    public String terraformLockId() {
        return terraformLockId;
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    @Override
    public Instant expiresAt() {
        synchronized (lock) {
            return validity.expiresAt();
        }
    }

    @Override
    public Duration ttl() {
        synchronized (lock) {
            return validity.ttl();
        }
    }

    @Override
    public boolean isValid() {
        synchronized (lock) {
            return state == State.ACTIVE && !validity.expiredAt(now());
        }
    }

    @Override
    public void onLost(Consumer<LeaseLostException> callback) {
        synchronized (lock) {
            if (state != State.CLOSED) {
                lostCallbacks.add(callback);
            }
        }
    }

    @Override
    public void close() {
        closeReportingLoss();
    }

    /**
     * Closes like {@link #close()} and says whether the lease turned out to be lost: lost before the
     * close (by the service's answer or the client's clock), or no longer held by the service when the
     * first release attempt reached it. Null when it was released as a valid lease, or was closed
     * already, or when only a retried release found it gone (the first attempt may have released it,
     * its answer lost: a loss that cannot be told from that is not reported).
     *
     * @throws StatelockException when releasing a valid lease failed (as {@link #close()} does)
     */
    LeaseLostException closeReportingLoss() {
        LeaseLostException lost;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return null;
            }
            lost = lostCause;
            if (lost == null && validity.expiredAt(now())) {
                // Run out by the client's clock, before the watchdog got to say so.
                lost = watchdog.expiredByOwnClock();
            }
            state = State.CLOSED;
            lostCallbacks.clear();
            renewals.stop("lease closed");
            watchdog.cancel();
        }
        if (lost == null) {
            int[] attempts = new int[1];
            // Not held at a retried release: maybe our own first attempt's doing, so not proof of a loss.
            if (locks.release(key, leaseId, attempts) || attempts[0] > 1) {
                return null;
            }
            return new LeaseLostException(
                    "CLIENT",
                    "lease on " + key + " was no longer held by the service when it "
                            + "was released (broken, or expired there)",
                    null,
                    null);
        }
        try {
            // Already lost: one short attempt frees the key sooner if the service still has it.
            locks.releaseOnce(key, leaseId, Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            // Nothing to report: the lease was lost anyway and the service lets it go by itself.
        }
        return lost;
    }

    @Override
    public String toString() {
        return "Lease{key=" + key + ", fencingToken=" + fencingToken + "}";
    }
}
