package io.statelock.client;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
  private static final Duration MIN_MARGIN = Duration.ofMillis(250);
  private static final Duration MAX_MARGIN = Duration.ofSeconds(5);

  private final GrpcStatelockClient client;
  private final String key;
  private final String leaseId;
  private final long fencingToken;
  private final Duration configuredMargin;

  /** Guards every field below: touched by the caller, the timer thread and gRPC callbacks. */
  private final Object lock = new Object();

  private State state = State.ACTIVE;
  private Duration ttl;
  private Instant expiresAt;
  /** Monotonic time after which the lease counts as lost unless renewed before. */
  private long deadlineNanos;
  /** The open KeepAlive call, or null (then the next renewal is unary). */
  private ClientCallStreamObserver<HeartbeatRequest> stream;
  /** The bearer token the open stream was started with (call credentials are fixed per call). */
  private String streamToken;
  /** Send times of stream requests not answered yet, oldest first (one response per request). */
  private final ArrayDeque<Long> pendingSends = new ArrayDeque<>();
  /** False after the service answered UNIMPLEMENTED to KeepAlive: unary only. */
  private boolean streamSupported = true;
  /** True after a renewal failed: the next one is unary (and a success re-enables the stream). */
  private boolean degraded;
  private boolean unaryInFlight;
  private ScheduledFuture<?> nextRenewal;
  private ScheduledFuture<?> watchdog;
  private final List<Consumer<LeaseLostException>> lostCallbacks = new ArrayList<>();
  private LeaseLostException lostCause;

  LeaseImpl(GrpcStatelockClient client, LeaseGrant grant, Duration ttl, Duration margin, long originNanos) {
    this.client = client;
    this.key = grant.key();
    this.leaseId = grant.leaseId();
    this.fencingToken = grant.fencingToken();
    this.configuredMargin = margin;
    this.ttl = ttl;
    this.expiresAt = grant.expiresAt();
    this.deadlineNanos = originNanos + ttl.toNanos() - margin(ttl).toNanos();
  }

  private Duration margin(Duration ttl) {
    if (configuredMargin != null) {
      return configuredMargin;
    }
    Duration tenth = ttl.dividedBy(10);
    if (tenth.compareTo(MIN_MARGIN) < 0) {
      return MIN_MARGIN;
    }
    return tenth.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : tenth;
  }

  private long now() {
    return client.nanoClock.getAsLong();
  }

  void start() {
    synchronized (lock) {
      if (now() >= deadlineNanos) {
        markLost(new LeaseLostException("CLIENT",
            "lease on " + key + " lost: it ran out before it could be renewed (client's own clock)", null, null));
        return;
      }
      scheduleRenewal(interval());
      armWatchdog();
    }
  }

  /** Renew at a third of the ttl. */
  private long interval() {
    return Math.max(TimeUnit.MILLISECONDS.toNanos(50), ttl.toNanos() / 3);
  }

  // ---- renewals (all under lock) ----

  private void scheduleRenewal(long delayNanos) {
    if (nextRenewal != null) {
      nextRenewal.cancel(false);
    }
    nextRenewal = client.scheduler.schedule(this::renew, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void renew() {
    synchronized (lock) {
      if (state != State.ACTIVE) {
        return;
      }
      long now = now();
      if (stream != null && !pendingSends.isEmpty() && now - pendingSends.peekFirst() >= interval()) {
        // The stream swallowed a renewal for a whole interval: treat it as broken.
        cancelStream("keep-alive stream stalled");
        degraded = true;
      }
      if (streamSupported && !degraded) {
        String token = client.leaseToken();
        if (stream != null && pendingSends.isEmpty() && !java.util.Objects.equals(token, streamToken)) {
          // The token rotated (token file rewritten, OIDC token refreshed): headers are per call,
          // so renew over a new stream that carries the new token.
          LOG.log(System.Logger.Level.DEBUG, () -> "bearer token changed; reopening the keep-alive stream of " + key);
          ClientCallStreamObserver<HeartbeatRequest> old = stream;
          stream = null;
          old.onCompleted();
        }
        if (stream == null) {
          streamToken = token;
          openStream();
        }
        if (stream == null) {
          // The call failed at once (e.g. no token could be had); failed() already rescheduled.
          return;
        }
        pendingSends.addLast(now);
        stream.onNext(HeartbeatRequest.newBuilder().setKey(key).setLeaseId(leaseId).build());
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

  private void openStream() {
    pendingSends.clear();
    client.async().keepAlive(new ClientResponseObserver<HeartbeatRequest, HeartbeatResponse>() {
      private ClientCallStreamObserver<HeartbeatRequest> call;

      @Override
      public void beforeStart(ClientCallStreamObserver<HeartbeatRequest> requestStream) {
        this.call = requestStream;
        stream = requestStream; // under lock: openStream runs holding it, beforeStart is synchronous
      }

      @Override
      public void onNext(HeartbeatResponse r) {
        synchronized (lock) {
          Long sent = pendingSends.pollFirst();
          if (stream == call && sent != null) {
            renewed(sent, Convert.grant(r));
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        synchronized (lock) {
          if (stream != call) {
            return; // an old stream we already gave up on
          }
          stream = null;
          pendingSends.clear();
          failed(t, true);
        }
      }

      @Override
      public void onCompleted() {
        synchronized (lock) {
          if (stream == call) {
            stream = null;
            pendingSends.clear();
          }
        }
      }
    });
  }

  private void cancelStream(String why) {
    if (stream != null) {
      ClientCallStreamObserver<HeartbeatRequest> s = stream;
      stream = null;
      pendingSends.clear();
      s.cancel(why, null);
    }
  }

  private void unaryHeartbeat(long sent) {
    unaryInFlight = true;
    long timeout = Math.max(interval(), TimeUnit.SECONDS.toNanos(1));
    client.async()
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
    if (g.ttl() != null && !g.ttl().isZero() && !g.ttl().isNegative()) {
      ttl = g.ttl();
    }
    if (g.expiresAt() != null) {
      expiresAt = g.expiresAt();
    }
    long candidate = sentNanos + ttl.toNanos() - margin(ttl).toNanos();
    if (candidate > deadlineNanos) {
      deadlineNanos = candidate;
    }
    LOG.log(System.Logger.Level.DEBUG, () -> "lease on " + key + " renewed; valid for "
        + Duration.ofNanos(deadlineNanos - now()).toMillis() + " ms by the client's clock");
  }

  private void failed(Throwable t, boolean fromStream) {
    if (state != State.ACTIVE) {
      return;
    }
    StatelockException e = Errors.decode(t);
    LOG.log(System.Logger.Level.DEBUG, () -> "renewal of lease on " + key + " failed ("
        + (fromStream ? "stream" : "unary") + "): " + e.code() + " " + e.getMessage() + "; valid for "
        + Duration.ofNanos(deadlineNanos - now()).toMillis() + " ms more");
    if (e instanceof LeaseLostException lost) {
      markLost(new LeaseLostException(lost.code(),
          "lease on " + key + " lost: " + lost.getMessage(), lost.current(), t));
      return;
    }
    if (fromStream && Status.fromThrowable(t).getCode() == Status.Code.UNIMPLEMENTED) {
      streamSupported = false;
    }
    degraded = true;
    client.resetConnectBackoff();
    scheduleRenewal(retryDelay());
  }

  // ---- expiry by the client's own clock ----

  private void armWatchdog() {
    if (watchdog != null) {
      watchdog.cancel(false);
    }
    long delay = Math.max(0, deadlineNanos - now());
    watchdog = client.scheduler.schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    synchronized (lock) {
      if (state != State.ACTIVE) {
        return;
      }
      if (now() >= deadlineNanos) {
        markLost(new LeaseLostException("CLIENT",
            "lease on " + key + " lost: no renewal succeeded within its ttl (" + ttl.toMillis()
                + " ms) minus a safety margin, by the client's own clock", null, null));
      } else {
        armWatchdog();
      }
    }
  }

  private void markLost(LeaseLostException cause) {
    state = State.LOST;
    lostCause = cause;
    cancelTimers();
    cancelStream("lease lost");
    List<Consumer<LeaseLostException>> toRun = new ArrayList<>(lostCallbacks);
    lostCallbacks.clear();
    for (Consumer<LeaseLostException> cb : toRun) {
      runCallback(cb, cause);
    }
  }

  private void runCallback(Consumer<LeaseLostException> cb, LeaseLostException cause) {
    try {
      client.callbacks.execute(() -> cb.accept(cause));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      cb.accept(cause); // client closed: run inline rather than drop the news
    }
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
      return expiresAt;
    }
  }

  @Override
  public Duration ttl() {
    synchronized (lock) {
      return ttl;
    }
  }

  @Override
  public boolean isValid() {
    synchronized (lock) {
      return state == State.ACTIVE && now() < deadlineNanos;
    }
  }

  @Override
  public void onLost(Consumer<LeaseLostException> callback) {
    synchronized (lock) {
      if (state == State.LOST) {
        runCallback(callback, lostCause);
      } else if (state == State.ACTIVE) {
        lostCallbacks.add(callback);
      }
    }
  }

  @Override
  public void close() {
    boolean wasLost;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      wasLost = state == State.LOST;
      state = State.CLOSED;
      lostCallbacks.clear();
      cancelTimers();
      cancelStream("lease closed");
    }
    if (!wasLost) {
      client.release(key, leaseId);
      return;
    }
    try {
      // Already lost: one short attempt frees the key sooner if the service still has it.
      client.releaseOnce(key, leaseId, Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      // Nothing to report: the lease was lost anyway and the service lets it go by itself.
    }
  }

  @Override
  public String toString() {
    return "Lease{key=" + key + ", fencingToken=" + fencingToken + "}";
  }
}
