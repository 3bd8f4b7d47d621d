package io.statelock.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A lease that renews itself at a third of its ttl over one {@code KeepAlive} stream, falling
 * back to unary {@code Heartbeat} calls when the stream breaks, and that judges its own validity
 * by the monotonic clock: valid until (send time of the last successful renewal) + (granted ttl)
 * - (safety margin). Service timestamps are kept for display only.
 */
final class LeaseImpl implements Lease {
  private enum State { ACTIVE, LOST, CLOSED }

  private static final System.Logger LOG = System.getLogger(LeaseImpl.class.getName());

  private final GrpcLocks locks;
  private final ClientCore core;
  private final String key;
  private final String leaseId;
  private final long fencingToken;

  /** Guards every field below: touched by the caller, the timer thread and gRPC callbacks. */
  private final Object lock = new Object();

  private State state = State.ACTIVE;
  private final LeaseValidity validity;
  /** The KeepAlive stream renewals go over while it works. */
  private final RenewalStream stream;
  /** False after the service answered UNIMPLEMENTED to KeepAlive: unary only. */
  private boolean streamSupported = true;
  /** True after a renewal failed: the next one is unary (and a success re-enables the stream). */
  private boolean degraded;
  private boolean unaryInFlight;
  private ScheduledFuture<?> nextRenewal;
  private ScheduledFuture<?> watchdog;
  private final LostCallbacks lostCallbacks;
  /** Why the lease was lost; null while it is not. */
  private LeaseLostException lostCause;

  LeaseImpl(GrpcLocks locks, LeaseGrant grant, Duration ttl, Duration margin, long originNanos) {
    this.locks = locks;
    this.core = locks.core();
    this.key = grant.key();
    this.leaseId = grant.leaseId();
    this.fencingToken = grant.fencingToken();
    this.validity = new LeaseValidity(ttl, grant.expiresAt(), margin, originNanos);
    this.lostCallbacks = new LostCallbacks(core.callbacks);
    this.stream = new RenewalStream(lock, core, new RenewalStream.Listener() {
      @Override
      public void renewed(long sentNanos, LeaseGrant grant) {
        LeaseImpl.this.renewed(sentNanos, grant);
      }

      @Override
      public void failed(Throwable error) {
        LeaseImpl.this.failed(error, true);
      }
    });
  }

  private long now() {
    return core.nanoClock.getAsLong();
  }

  void start() {
    synchronized (lock) {
      if (validity.expiredAt(now())) {
        markLost(new LeaseLostException("CLIENT",
            "lease on " + key + " lost: it ran out before it could be renewed (client's own clock)", null, null));
        return;
      }
      scheduleRenewal(interval());
      armWatchdog();
    }
  }

  private long interval() {
    return validity.renewalIntervalNanos();
  }

  // ---- renewals (all under lock) ----

  private void scheduleRenewal(long delayNanos) {
    if (nextRenewal != null) {
      nextRenewal.cancel(false);
    }
    nextRenewal = core.scheduler.schedule(this::renew, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void renew() {
    synchronized (lock) {
      if (state != State.ACTIVE) {
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
        .heartbeat(HeartbeatRequest.newBuilder().setKey(key).setLeaseId(leaseId).build(),
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
    if (state != State.ACTIVE) {
      return;
    }
    validity.renewed(sentNanos, g);
    LOG.log(System.Logger.Level.DEBUG, () -> "lease on " + key + " renewed; valid for "
        + Duration.ofNanos(validity.remainingNanos(now())).toMillis() + " ms by the client's clock");
  }

  private void failed(Throwable t, boolean fromStream) {
    if (state != State.ACTIVE) {
      return;
    }
    StatelockException e = Errors.decode(t);
    LOG.log(System.Logger.Level.DEBUG, () -> "renewal of lease on " + key + " failed ("
        + (fromStream ? "stream" : "unary") + "): " + e.code() + " " + e.getMessage() + "; valid for "
        + Duration.ofNanos(validity.remainingNanos(now())).toMillis() + " ms more");
    if (e instanceof LeaseLostException lost) {
      markLost(new LeaseLostException(lost.code(),
          "lease on " + key + " lost: " + lost.getMessage(), lost.current(), t));
      return;
    }
    if (fromStream && Status.fromThrowable(t).getCode() == Status.Code.UNIMPLEMENTED) {
      streamSupported = false;
    }
    degraded = true;
    core.resetConnectBackoff();
    scheduleRenewal(retryDelay());
  }

  // ---- expiry by the client's own clock ----

  private void armWatchdog() {
    if (watchdog != null) {
      watchdog.cancel(false);
    }
    long delay = Math.max(0, validity.remainingNanos(now()));
    watchdog = core.scheduler.schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    synchronized (lock) {
      if (state != State.ACTIVE) {
        return;
      }
      if (validity.expiredAt(now())) {
        markLost(expiredByOwnClock());
      } else {
        armWatchdog();
      }
    }
  }

  private LeaseLostException expiredByOwnClock() {
    return new LeaseLostException("CLIENT", "lease on " + key + " lost: no renewal succeeded within its ttl ("
        + validity.ttl().toMillis() + " ms) minus a safety margin, by the client's own clock", null, null);
  }

  private void markLost(LeaseLostException cause) {
    state = State.LOST;
    lostCause = cause;
    cancelTimers();
    stream.cancel("lease lost");
    lostCallbacks.fire(cause);
  }

  private void cancelTimers() {
    if (nextRenewal != null) {
      nextRenewal.cancel(false);
      nextRenewal = null;
    }
    if (watchdog != null) {
      watchdog.cancel(false);
      watchdog = null;
    }
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
        lost = expiredByOwnClock();
      }
      state = State.CLOSED;
      lostCallbacks.clear();
      cancelTimers();
      stream.cancel("lease closed");
    }
    if (lost == null) {
      int[] attempts = new int[1];
      // Not held at a retried release: maybe our own first attempt's doing, so not proof of a loss.
      if (locks.release(key, leaseId, attempts) || attempts[0] > 1) {
        return null;
      }
      return new LeaseLostException("CLIENT", "lease on " + key + " was no longer held by the service when it "
          + "was released (broken, or expired there)", null, null);
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
