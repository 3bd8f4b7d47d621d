package io.statelock.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A client of the statelock {@code LockService} and {@code StateService}. Thread-safe; create one per process and
 * {@link #close()} it at the end (closing it does not release open leases: close those first).
 *
 * <pre>{@code
 * static final AcquireOptions APPLY = AcquireOptions.builder()
 *     .ttl(Duration.ofSeconds(30)).waitTimeout(Duration.ofMinutes(10)).operation("apply").build();
 *
 * try (StatelockClient client = StatelockClient.builder().target("localhost:8080").plaintext().build();
 *      Lease lease = client.acquire("prod/network", APPLY)) {
 *   lease.onLost(e -> abortWork());
 *   writeState(lease.fencingToken());
 * }
 * }</pre>
 *
 * <p>Options objects are meant to be shared: every {@code acquire}, {@code tryAcquire}, {@code
 * withLock} and {@code acquireDetached} call is a new acquire with its own request id, whichever
 * thread makes it and however often the same options are passed.
 *
 * <p>Every call has a deadline ({@link Builder#callTimeout}); {@code UNAVAILABLE} is retried with
 * exponential backoff and jitter for up to {@link Builder#retryTimeout} (each attempt of one acquire
 * call carries that call's request id, so a retry cannot lock itself out).
 */
public interface StatelockClient extends AutoCloseable {

  /**
   * Acquires the lock on {@code key}, waiting server-side up to {@link
   * AcquireOptions#waitTimeout()}.
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
   * Acquires {@code key} (as {@link #acquire}: waiting up to the options' wait, else {@link
   * LockHeldException}), runs {@code body} with the lease and releases the lease however the body
   * ends. The lease renews itself while the body runs.
   *
   * <p><b>If the lease is lost while the body runs</b> (broken by an operator, or not renewed in
   * time by the client's own clock) the body is not interrupted: it can see it through {@link
   * Lease#isValid()}, {@link Lease#onLost}, and fenced writes ({@link #putState(Lease, byte[])}) are
   * refused with {@link LeaseLostException}. When the body then returns normally, {@code withLock}
   * throws {@link LeaseLostException} instead of returning its result, because part of the work may
   * have overlapped another holder's (as {@code statelock run} exits 76); this includes a lease the
   * service no longer held when the release reached it (unless the release had to be retried: the
   * first attempt may have released it itself, its answer lost). When the body throws, that exception
   * is thrown, with the loss or a failed release attached as suppressed.
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

  /** Who holds {@code key}, since when, for what. */
  LockState describe(String key);

  /** All keys under {@code prefix} (empty for all), following pages; only held ones if asked. */
  List<LockState> list(String prefix, boolean heldOnly);

  /**
   * Audit records for keys under {@code prefix} (empty for all) between {@code since} and
   * {@code until} (either may be null), following pages up to {@code limit} records. Admin only.
   */
  List<AuditEntry> audit(String prefix, java.time.Instant since, java.time.Instant until, int limit);

  /**
   * Breaks a lock (operators). With {@code expectedFencingToken != 0} only while that token is
   * still the holder's, else {@link LeaseLostException}.
   */
  ForceReleaseResult forceRelease(String key, String reason, long expectedFencingToken);

  /** Advisory check that {@code fencingToken} is the current, unexpired holder's. */
  boolean validateFence(String key, long fencingToken);

  /**
   * Writes {@code state} as the key's new current version under a lease: accepted only while that
   * lease is the key's current, unexpired one with this fencing token (checked by the store in the
   * same conditional write that moves the state pointer). Never retried.
   *
   * @return the version the service recorded
   * @throws LeaseLostException when the lease or fencing token is not current: nothing was stored
   * @throws StateConflictException when the service refused it for another reason (nothing stored)
   * @throws WriteOutcomeUnknownException when the answer was lost (timeout, dropped connection): the
   *     write may or may not have been accepted; read the state before deciding
   */
  StateVersion putState(String key, String leaseId, long fencingToken, byte[] state);

  /** {@link #putState(String, String, long, byte[])} under a held lease. */
  default StateVersion putState(Lease lease, byte[] state) {
    return putState(lease.key(), lease.leaseId(), lease.fencingToken(), state);
  }

  /**
   * The key's current state (bytes verified against their digest by the service) and its version.
   *
   * @throws StateNotFoundException when no state is stored for the key
   */
  StateSnapshot getState(String key);

  /** Shuts the channel down. */
  @Override
  void close();

  static Builder builder() {
    return new Builder();
  }

  /** Connection settings. */
  final class Builder {
    String target = "localhost:8080";
    boolean plaintext;
    Path caFile;
    Path clientCert;
    Path clientKey;
    Supplier<String> tokenSupplier;
    Duration callTimeout = Duration.ofSeconds(10);
    Duration retryTimeout = Duration.ofSeconds(10);

    Builder() {}

    /** {@code host:port} of the service (a gRPC target string also works, e.g. {@code dns:///h:p}). */
    public Builder target(String target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** Plaintext HTTP/2 (h2c), e.g. for a service on loopback. */
    public Builder plaintext() {
      this.plaintext = true;
      this.caFile = null;
      this.clientCert = null;
      this.clientKey = null;
      return this;
    }

    /** TLS with the system trust store (the default unless {@link #plaintext()}). */
    public Builder tls() {
      this.plaintext = false;
      return this;
    }

    /** TLS trusting the CA certificate(s) in this PEM file. */
    public Builder tls(Path caFile) {
      this.plaintext = false;
      this.caFile = Objects.requireNonNull(caFile, "caFile");
      return this;
    }

    /**
     * Client certificate (chain) and its unencrypted private key, PEM files, for services that
     * require mutual TLS. The key may be PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code
     * BEGIN RSA PRIVATE KEY}). Implies TLS.
     */
    public Builder clientCertificate(Path certChain, Path privateKey) {
      this.clientCert = Objects.requireNonNull(certChain, "certChain");
      this.clientKey = Objects.requireNonNull(privateKey, "privateKey");
      this.plaintext = false;
      return this;
    }

    /**
     * Bearer token sent as {@code authorization: Bearer ...} on every call, asked for per call
     * (so a refreshed token is picked up; see {@link Tokens} for a token file and GitHub Actions
     * OIDC). A null or blank token sends no header. When the supplier throws, the call fails with
     * an unauthenticated {@link PermissionException} carrying the exception's message. A lease
     * whose token changed reopens its keep-alive stream with the new one.
     */
    public Builder bearerToken(Supplier<String> tokenSupplier) {
      this.tokenSupplier = tokenSupplier;
      return this;
    }

    /** Deadline of each unary call (an acquire gets its wait on top). Default 10 s. */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = positive(timeout, "callTimeout");
      return this;
    }

    /** How long {@code UNAVAILABLE} is retried before giving up. Default 10 s; zero disables. */
    public Builder retryTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "retryTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("retryTimeout must not be negative");
      }
      this.retryTimeout = timeout;
      return this;
    }

    /**
     * Opens the channel (lazily connected).
     *
     * @throws StatelockException when the CA file cannot be read
     */
    public StatelockClient build() {
      return GrpcStatelockClient.create(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
