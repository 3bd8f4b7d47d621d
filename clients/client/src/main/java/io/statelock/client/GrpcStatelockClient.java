package io.statelock.client;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ForceReleaseRequest;
import io.statelock.proto.v1.ForceReleaseResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.ListRequest;
import io.statelock.proto.v1.ListResponse;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.ValidateFenceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/** The gRPC implementation of {@link StatelockClient}. */
final class GrpcStatelockClient implements StatelockClient {

  /**
   * Marks calls made under a lease (renewals, release): they take the cached token rather than wait
   * for a token fetch, since the service accepts the holder's expired token under its lease.
   */
  static final CallOptions.Key<Boolean> UNDER_LEASE = CallOptions.Key.createWithDefault("statelock.under-lease", false);

  private final ManagedChannel channel;
  /** Null when no token is sent. */
  private final TokenProvider tokens;
  private final boolean ownsChannel;
  final Duration callTimeout;
  final Retries retries;
  final LongSupplier nanoClock;
  /** Timers of all leases of this client: renewals and expiry checks (never blocks). */
  final ScheduledExecutorService scheduler;
  /** Runs users' onLost callbacks, so a slow callback cannot delay renewals. */
  final ExecutorService callbacks;
  private final GrpcStateCalls states;

  GrpcStatelockClient(ManagedChannel channel, boolean ownsChannel, Duration callTimeout,
      Duration retryTimeout, LongSupplier nanoClock) {
    this(channel, ownsChannel, callTimeout, retryTimeout, nanoClock, null);
  }

  GrpcStatelockClient(ManagedChannel channel, boolean ownsChannel, Duration callTimeout,
      Duration retryTimeout, LongSupplier nanoClock, TokenProvider tokens) {
    this.tokens = tokens;
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.callTimeout = callTimeout;
    this.nanoClock = nanoClock;
    this.retries = new Retries(retryTimeout, () -> channel.resetConnectBackoff());
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("statelock-lease"));
    s.setRemoveOnCancelPolicy(true);
    this.scheduler = s;
    this.callbacks = Executors.newCachedThreadPool(daemon("statelock-callback"));
    this.states = new GrpcStateCalls(channel, callTimeout, retries);
  }

  static StatelockClient create(StatelockClient.Builder b) {
    ChannelCredentials creds;
    if (b.plaintext) {
      creds = InsecureChannelCredentials.create();
    } else {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      if (b.caFile != null) {
        try {
          tls.trustManager(b.caFile.toFile());
        } catch (IOException | RuntimeException e) {
          throw new StatelockException("CLIENT", "cannot read CA file " + b.caFile + ": " + e.getMessage(), e);
        }
      }
      if (b.clientCert != null) {
        try (InputStream cert = Files.newInputStream(b.clientCert)) {
          tls.keyManager(cert, new ByteArrayInputStream(Pem.privateKeyPkcs8(b.clientKey)));
        } catch (IOException | RuntimeException e) {
          throw new StatelockException("CLIENT", "cannot read client certificate " + b.clientCert + " / key "
              + b.clientKey + ": " + e.getMessage(), e);
        }
      }
      creds = tls.build();
    }
    ManagedChannelBuilder<?> builder;
    try {
      builder = Grpc.newChannelBuilder(b.target, creds);
    } catch (RuntimeException e) {
      // e.g. a certificate or key netty cannot parse
      throw new StatelockException("CLIENT", "cannot set up the connection to " + b.target + ": " + e.getMessage(), e);
    }
    TokenProvider tokens = b.tokenSupplier == null ? null : new TokenProvider(b.tokenSupplier);
    if (tokens != null) {
      builder.intercept(new BearerToken(tokens));
    }
    return new GrpcStatelockClient(builder.build(), true, b.callTimeout, b.retryTimeout, System::nanoTime, tokens);
  }

  LockServiceGrpc.LockServiceBlockingStub blocking(Duration timeout) {
    return LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** For calls under a lease (heartbeat, release): never wait for a token fetch if one is cached. */
  LockServiceGrpc.LockServiceBlockingStub blockingUnderLease(Duration timeout) {
    return blocking(timeout).withOption(UNDER_LEASE, true);
  }

  /** Async calls are all under a lease (keep-alive, renewals). */
  LockServiceGrpc.LockServiceStub async() {
    return LockServiceGrpc.newStub(channel).withOption(UNDER_LEASE, true);
  }

  /**
   * The token a call under a lease would send now (null if none or it cannot be had): a lease
   * compares it with its keep-alive stream's to reopen the stream when the token rotated.
   */
  String leaseToken() {
    if (tokens == null) {
      return null;
    }
    try {
      return tokens.token(true);
    } catch (RuntimeException e) {
      return null;
    }
  }

  void resetConnectBackoff() {
    channel.resetConnectBackoff();
  }

  @Override
  public Lease acquire(String key, AcquireOptions options) {
    return acquireLease(key, options);
  }

  @Override
  public <T, E extends Exception> T withLock(String key, AcquireOptions options, LockedBody<T, E> body) throws E {
    Objects.requireNonNull(body, "body");
    return WithLock.run(acquireLease(key, options), body);
  }

  private LeaseImpl acquireLease(String key, AcquireOptions options) {
    long[] sent = new long[1];
    LeaseGrant grant = withKey(acquireGrant(key, options, sent), key);
    long origin = sent[0];
    Duration ttl = grant.ttlOr(options.ttl());
    if (!options.waitTimeout().isZero() && nanoClock.getAsLong() - origin > ttl.toNanos() / 4) {
      // The grant came after a long wait: the service started the ttl at some unknown point
      // between our send and its answer. Renew at once so the lease clock has a known origin.
      try {
        LeaseGrant renewed = heartbeatTimed(key, grant.leaseId(), null, sent);
        origin = sent[0];
        grant = new LeaseGrant(grant.key(), grant.leaseId(), grant.fencingToken(), renewed.expiresAt(),
            renewed.ttl() != null ? renewed.ttl() : grant.ttl());
      } catch (StatelockUnavailableException e) {
        // Keep the conservative origin (the acquire's send time); the lease clock decides.
      } catch (LeaseLostException e) {
        throw new LeaseLostException(e.code(),
            "lease on " + key + " was lost right after it was granted: " + e.getMessage(), e.current(), e);
      }
    }
    LeaseImpl lease = new LeaseImpl(this, grant, grant.ttlOr(options.ttl()), options.safetyMargin(), origin);
    lease.start();
    return lease;
  }

  @Override
  public LeaseGrant acquireDetached(String key, AcquireOptions options) {
    return withKey(acquireGrant(key, options, new long[1]), key);
  }

  private static LeaseGrant withKey(LeaseGrant g, String key) {
    return g.key().isEmpty() ? new LeaseGrant(key, g.leaseId(), g.fencingToken(), g.expiresAt(), g.ttl()) : g;
  }

  /** Acquires with retries; {@code sent[0]} gets the send time of the attempt that succeeded. */
  private LeaseGrant acquireGrant(String key, AcquireOptions o, long[] sent) {
    LockInfo.Builder info = LockInfo.newBuilder()
        .setOperation(o.operation())
        .setWho(o.who())
        .setVersion(o.version())
        .setPath(o.path())
        .setInfo(o.info())
        .putAllLabels(o.labels());
    AcquireRequest.Builder base = AcquireRequest.newBuilder()
        .setKey(key)
        .setOwner(o.owner())
        .setInfo(info)
        // One id per call, reused by this call's retries only: two calls never get each other's lease.
        .setRequestId(o.requestIdForCall());
    if (o.ttl() != null) {
      base.setTtl(Convert.duration(o.ttl()));
    }
    long waitEnd = nanoClock.getAsLong() + o.waitTimeout().toNanos();
    long hardDeadline = o.waitTimeout().isZero() ? Long.MAX_VALUE : waitEnd + callTimeout.toNanos();
    return retries.call(() -> {
      long now = nanoClock.getAsLong();
      Duration wait = Duration.ofNanos(Math.max(0, waitEnd - now));
      AcquireRequest req = base.clone().setWaitTimeout(Convert.duration(wait)).build();
      sent[0] = now;
      AcquireResponse r = blocking(wait.plus(callTimeout)).acquire(req);
      return Convert.grant(r);
    }, hardDeadline);
  }

  /** Unary heartbeat with retries; {@code sent[0]} gets the send time of the attempt that succeeded. */
  LeaseGrant heartbeatTimed(String key, String leaseId, Duration ttl, long[] sent) {
    HeartbeatRequest.Builder req = HeartbeatRequest.newBuilder().setKey(key).setLeaseId(leaseId);
    if (ttl != null) {
      req.setTtl(Convert.duration(ttl));
    }
    return retries.call(() -> {
      sent[0] = nanoClock.getAsLong();
      return Convert.grant(blockingUnderLease(callTimeout).heartbeat(req.build()));
    }, Long.MAX_VALUE);
  }

  @Override
  public LeaseGrant heartbeat(String key, String leaseId, Duration ttl) {
    return heartbeatTimed(key, leaseId, ttl, new long[1]);
  }

  /** One release attempt, no retries: for leases already lost, where it is only a courtesy. */
  void releaseOnce(String key, String leaseId, Duration timeout) {
    blockingUnderLease(timeout).release(ReleaseRequest.newBuilder().setKey(key).setLeaseId(leaseId).build());
  }

  @Override
  public boolean release(String key, String leaseId) {
    return release(key, leaseId, new int[1]);
  }

  /**
   * Release with retries; {@code attempts[0]} gets how many were made. After more than one, a
   * {@code false} may answer the retry of an attempt that released the lease itself (its answer lost).
   */
  boolean release(String key, String leaseId, int[] attempts) {
    ReleaseRequest req = ReleaseRequest.newBuilder().setKey(key).setLeaseId(leaseId).build();
    return retries.call(() -> {
      attempts[0]++;
      return blockingUnderLease(callTimeout).release(req).getReleased();
    }, Long.MAX_VALUE);
  }

  @Override
  public LockState describe(String key) {
    DescribeRequest req = DescribeRequest.newBuilder().setKey(key).build();
    return retries.call(() -> Convert.lockState(blocking(callTimeout).describe(req)), Long.MAX_VALUE);
  }

  @Override
  public List<LockState> list(String prefix, boolean heldOnly) {
    List<LockState> all = new ArrayList<>();
    String pageToken = "";
    do {
      ListRequest req = ListRequest.newBuilder()
          .setPrefix(prefix == null ? "" : prefix)
          .setHeldOnly(heldOnly)
          .setPageSize(500)
          .setPageToken(pageToken)
          .build();
      ListResponse r = retries.call(() -> blocking(callTimeout).list(req), Long.MAX_VALUE);
      r.getLocksList().forEach(s -> all.add(Convert.lockState(s)));
      if (r.getNextPageToken().equals(pageToken) && !pageToken.isEmpty()) {
        throw new StatelockException("INTERNAL", "service repeated page token " + pageToken, null);
      }
      pageToken = r.getNextPageToken();
    } while (!pageToken.isEmpty());
    return all;
  }

  @Override
  public List<AuditEntry> audit(String prefix, java.time.Instant since, java.time.Instant until, int limit) {
    List<AuditEntry> all = new ArrayList<>();
    String pageToken = "";
    do {
      io.statelock.proto.v1.AuditRequest.Builder req = io.statelock.proto.v1.AuditRequest.newBuilder()
          .setPrefix(prefix == null ? "" : prefix)
          .setPageSize(Math.min(1000, Math.max(1, limit - all.size())))
          .setPageToken(pageToken);
      if (since != null) req.setSince(Convert.timestamp(since));
      if (until != null) req.setUntil(Convert.timestamp(until));
      io.statelock.proto.v1.AuditRequest request = req.build();
      io.statelock.proto.v1.AuditResponse r =
          retries.call(() -> blocking(callTimeout).audit(request), Long.MAX_VALUE);
      r.getRecordsList().forEach(a -> all.add(Convert.auditEntry(a)));
      if (r.getNextPageToken().equals(pageToken) && !pageToken.isEmpty()) {
        throw new StatelockException("INTERNAL", "service repeated page token " + pageToken, null);
      }
      pageToken = r.getNextPageToken();
    } while (!pageToken.isEmpty() && all.size() < limit);
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  @Override
  public ForceReleaseResult forceRelease(String key, String reason, long expectedFencingToken) {
    ForceReleaseRequest req = ForceReleaseRequest.newBuilder()
        .setKey(key)
        .setReason(reason)
        .setExpectedFencingToken(expectedFencingToken)
        .build();
    ForceReleaseResponse r = retries.call(() -> blocking(callTimeout).forceRelease(req), Long.MAX_VALUE);
    return new ForceReleaseResult(r.getReleased(), r.hasPrevious() ? Convert.lockState(r.getPrevious()) : null);
  }

  @Override
  public boolean validateFence(String key, long fencingToken) {
    ValidateFenceRequest req = ValidateFenceRequest.newBuilder().setKey(key).setFencingToken(fencingToken).build();
    return retries.call(() -> blocking(callTimeout).validateFence(req).getCurrent(), Long.MAX_VALUE);
  }

  @Override
  public StateVersion putState(String key, String leaseId, long fencingToken, byte[] state) {
    return states.put(key, leaseId, fencingToken, state);
  }

  @Override
  public StateSnapshot getState(String key) {
    return states.get(key);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    callbacks.shutdown();
    if (ownsChannel) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
