package io.statelock.client;

import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.ValidateFenceRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The gRPC {@link Locks}: acquires (each with its own request id), renewals and releases. */
final class GrpcLocks implements Locks {
    private final ClientCore core;

    GrpcLocks(ClientCore core) {
        this.core = core;
    }

    ClientCore core() {
        return core;
    }

    /** A grant and the send time of the attempt that won it (what the lease's clock counts from). */
    private record Granted(LeaseGrant grant, long sentNanos) {}

    @Override
    public Lease acquire(String key, AcquireOptions options) {
        return startLease(key, options, acquireGrant(key, options));
    }

    @Override
    public <T, E extends Exception> T withLock(String key, AcquireOptions options, LockedBody<T, E> body) throws E {
        Objects.requireNonNull(body, "body");
        return WithLock.run(startLease(key, options, acquireGrant(key, options)), body);
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(String key, AcquireOptions options) {
        Objects.requireNonNull(options, "options");
        return AsyncAcquire.start(
                core.acquires,
                () -> acquireGrant(key, options),
                granted -> (Lease) startLease(key, options, granted),
                Lease::close);
    }

    @Override
    public CompletableFuture<Optional<Lease>> tryAcquireAsync(String key, AcquireOptions options) {
        Objects.requireNonNull(options, "options");
        return AsyncAcquire.start(
                core.acquires,
                () -> {
                    try {
                        return Optional.of(acquireGrant(key, options));
                    } catch (LockHeldException held) {
                        return Optional.<Granted>empty();
                    }
                },
                granted -> granted.map(g -> (Lease) startLease(key, options, g)),
                lease -> lease.ifPresent(Lease::close));
    }

    @Override
    public LeaseGrant acquireDetached(String key, AcquireOptions options) {
        return acquireGrant(key, options).grant();
    }

    /** Starts renewing a granted lease, first renewing at once when the grant came after a long wait. */
    private LeaseImpl startLease(String key, AcquireOptions options, Granted granted) {
        LeaseGrant grant = granted.grant();
        long origin = granted.sentNanos();
        Duration ttl = grant.ttlOr(options.ttl());
        if (!options.waitTimeout().isZero() && core.nanoClock.getAsLong() - origin > ttl.toNanos() / 4) {
            // The grant came after a long wait: the service started the ttl at some unknown point
            // between our send and its answer. Renew at once so the lease clock has a known origin.
            try {
                long[] sent = new long[1];
                LeaseGrant renewed = heartbeatTimed(key, grant.leaseId(), null, sent);
                origin = sent[0];
                grant = new LeaseGrant(
                        grant.key(),
                        grant.leaseId(),
                        grant.fencingToken(),
                        renewed.expiresAt(),
                        renewed.ttl() != null ? renewed.ttl() : grant.ttl());
            } catch (StatelockUnavailableException e) {
                // Keep the conservative origin (the acquire's send time); the lease clock decides.
            } catch (LeaseLostException e) {
                throw new LeaseLostException(
                        e.code(),
                        "lease on " + key + " was lost right after it was granted: " + e.getMessage(),
                        e.current(),
                        e);
            }
        }
        LeaseImpl lease = new LeaseImpl(this, grant, grant.ttlOr(options.ttl()), options.safetyMargin(), origin);
        lease.start();
        return lease;
    }

    /** Acquires with retries; the grant names the key even when the service's answer did not. */
    private Granted acquireGrant(String key, AcquireOptions o) {
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
        long waitEnd = core.nanoClock.getAsLong() + o.waitTimeout().toNanos();
        long hardDeadline = o.waitTimeout().isZero() ? Long.MAX_VALUE : waitEnd + core.callTimeout.toNanos();
        long[] sent = new long[1];
        LeaseGrant g = core.retries.call(
                () -> {
                    long now = core.nanoClock.getAsLong();
                    Duration wait = Duration.ofNanos(Math.max(0, waitEnd - now));
                    AcquireRequest req =
                            base.clone().setWaitTimeout(Convert.duration(wait)).build();
                    sent[0] = now;
                    AcquireResponse r =
                            core.blocking(wait.plus(core.callTimeout)).acquire(req);
                    return Convert.grant(r);
                },
                hardDeadline);
        LeaseGrant named = g.key().isEmpty()
                ? new LeaseGrant(key, g.leaseId(), g.fencingToken(), g.expiresAt(), g.ttl(), g.terraformLockId())
                : g;
        return new Granted(named, sent[0]);
    }

    /** Unary heartbeat with retries; {@code sent[0]} gets the send time of the attempt that succeeded. */
    LeaseGrant heartbeatTimed(String key, String leaseId, Duration ttl, long[] sent) {
        HeartbeatRequest.Builder req = HeartbeatRequest.newBuilder().setKey(key).setLeaseId(leaseId);
        if (ttl != null) {
            req.setTtl(Convert.duration(ttl));
        }
        return core.retries.call(
                () -> {
                    sent[0] = core.nanoClock.getAsLong();
                    return Convert.grant(
                            core.blockingUnderLease(core.callTimeout).heartbeat(req.build()));
                },
                Long.MAX_VALUE);
    }

    @Override
    public LeaseGrant heartbeat(String key, String leaseId, Duration ttl) {
        return heartbeatTimed(key, leaseId, ttl, new long[1]);
    }

    /** One release attempt, no retries: for leases already lost, where it is only a courtesy. */
    void releaseOnce(String key, String leaseId, Duration timeout) {
        core.blockingUnderLease(timeout)
                .release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(leaseId)
                        .build());
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
        ReleaseRequest req =
                ReleaseRequest.newBuilder().setKey(key).setLeaseId(leaseId).build();
        return core.retries.call(
                () -> {
                    attempts[0]++;
                    return core.blockingUnderLease(core.callTimeout)
                            .release(req)
                            .getReleased();
                },
                Long.MAX_VALUE);
    }

    @Override
    public boolean validateFence(String key, long fencingToken) {
        ValidateFenceRequest req = ValidateFenceRequest.newBuilder()
                .setKey(key)
                .setFencingToken(fencingToken)
                .build();
        return core.retries.call(
                () -> core.blocking(core.callTimeout).validateFence(req).getCurrent(), Long.MAX_VALUE);
    }
}
