package io.statelock.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The renewal schedule of one lease: renews at its {@link LeaseValidity#renewalIntervalNanos()
 * interval} (a third of its ttl) over one {@code KeepAlive} stream, falls back to unary
 * {@code Heartbeat} calls when the stream breaks (or the service has none), and goes back to the
 * stream once the service answers again. Each renewal that succeeds moves the lease's validity on
 * from its send time. Guarded by the lease's lock: every method is called holding it, and the
 * timer and the gRPC callbacks take it.
 */
final class RenewalLoop {
    // Logged under the lease's name, as before this loop was split out of it.
    private static final System.Logger LOG = System.getLogger(LeaseImpl.class.getName());

    private final Object lock;
    private final ClientCore core;
    private final String key;
    private final String leaseId;
    private final LeaseValidity validity;
    private final LeaseStatus status;
    /** The KeepAlive stream renewals go over while it works. */
    private final RenewalStream stream;
    /** False after the service answered UNIMPLEMENTED to KeepAlive: unary only. */
    private boolean streamSupported = true;
    /** True after a renewal failed: the next one is unary (and a success re-enables the stream). */
    private boolean degraded;

    private boolean unaryInFlight;
    private ScheduledFuture<?> nextRenewal;

    RenewalLoop(Object lock, ClientCore core, String key, String leaseId, LeaseValidity validity, LeaseStatus status) {
        this.lock = lock;
        this.core = core;
        this.key = key;
        this.leaseId = leaseId;
        this.validity = validity;
        this.status = status;
        this.stream = new RenewalStream(lock, core, new RenewalStream.Listener() {
            @Override
            public void renewed(long sentNanos, LeaseGrant grant) {
                RenewalLoop.this.renewed(sentNanos, grant);
            }

            @Override
            public void failed(Throwable error) {
                RenewalLoop.this.failed(error, true);
            }
        });
    }

    private long now() {
        return core.nanoClock.getAsLong();
    }

    private long interval() {
        return validity.renewalIntervalNanos();
    }

    /** Schedules the first renewal, an interval from now. */
    void start() {
        scheduleRenewal(interval());
    }

    /** Renews no more: the scheduled renewal is dropped and the stream cancelled, saying {@code why}. */
    void stop(String why) {
        if (nextRenewal != null) {
            nextRenewal.cancel(false);
            nextRenewal = null;
        }
        stream.cancel(why);
    }

    private void scheduleRenewal(long delayNanos) {
        if (nextRenewal != null) {
            nextRenewal.cancel(false);
        }
        nextRenewal = core.scheduler.schedule(this::renew, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void renew() {
        synchronized (lock) {
            if (!status.active()) {
                return;
            }
            long now = now();
            if (stream.stalled(now, interval())) {
                // The stream swallowed a renewal for a whole interval: treat it as broken.
                stream.cancel("keep-alive stream stalled");
                degraded = true;
            }
            if (streamSupported && !degraded) {
                if (!stream.send(key, leaseId, core.leaseToken(), now)) {
                    // The call failed at once (e.g. no token could be had); failed() already rescheduled.
                    return;
                }
                scheduleRenewal(interval());
            } else if (!unaryInFlight) {
                unaryHeartbeat(now);
                scheduleRenewal(interval());
            } else {
                scheduleRenewal(retryDelay());
            }
        }
    }

    private long retryDelay() {
        return Math.max(TimeUnit.MILLISECONDS.toNanos(50), interval() / 4);
    }

    private void unaryHeartbeat(long sent) {
        unaryInFlight = true;
        long timeout = Math.max(interval(), TimeUnit.SECONDS.toNanos(1));
        core.async()
                .withDeadlineAfter(timeout, TimeUnit.NANOSECONDS)
                .heartbeat(
                        HeartbeatRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(leaseId)
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(HeartbeatResponse r) {
                                synchronized (lock) {
                                    unaryInFlight = false;
                                    degraded = false; // the service answers again: back to the stream next time
                                    renewed(sent, Convert.grant(r));
                                }
                            }

                            @Override
                            public void onError(Throwable t) {
                                synchronized (lock) {
                                    unaryInFlight = false;
                                    failed(t, false);
                                }
                            }

                            @Override
                            public void onCompleted() {}
                        });
    }

    private void renewed(long sentNanos, LeaseGrant g) {
        if (!status.active()) {
            return;
        }
        validity.renewed(sentNanos, g);
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "lease on " + key + " renewed; valid for "
                        + Duration.ofNanos(validity.remainingNanos(now())).toMillis() + " ms by the client's clock");
    }

    private void failed(Throwable t, boolean fromStream) {
        if (!status.active()) {
            return;
        }
        StatelockException e = Errors.decode(t);
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "renewal of lease on " + key + " failed ("
                        + (fromStream ? "stream" : "unary") + "): " + e.code() + " " + e.getMessage() + "; valid for "
                        + Duration.ofNanos(validity.remainingNanos(now())).toMillis() + " ms more");
        if (e instanceof LeaseLostException lost) {
            status.lost(new LeaseLostException(
                    lost.code(), "lease on " + key + " lost: " + lost.getMessage(), lost.current(), t));
            return;
        }
        if (fromStream && Status.fromThrowable(t).getCode() == Status.Code.UNIMPLEMENTED) {
            streamSupported = false;
        }
        degraded = true;
        core.resetConnectBackoff();
        scheduleRenewal(retryDelay());
    }
}
