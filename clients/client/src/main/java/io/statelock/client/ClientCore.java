package io.statelock.client;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.StateServiceGrpc;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What the parts of one client share: the channel, its stubs, the call deadline and retry policy,
 * the monotonic clock and the client's threads. Closing it ends them all.
 */
final class ClientCore {
    /**
     * Marks calls made under a lease (renewals, release, state writes): they take the cached token
     * rather than wait for a token fetch, since the service accepts the holder's expired token under
     * its lease.
     */
    static final CallOptions.Key<Boolean> UNDER_LEASE =
            CallOptions.Key.createWithDefault("statelock.under-lease", false);

    final ManagedChannel channel;
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
    /** Runs the async acquires: each waits on its own thread, so a long server-side wait blocks no one. */
    final ExecutorService acquires;

    ClientCore(
            ManagedChannel channel,
            boolean ownsChannel,
            Duration callTimeout,
            Duration retryTimeout,
            LongSupplier nanoClock,
            TokenProvider tokens) {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.tokens = tokens;
        this.callTimeout = callTimeout;
        this.nanoClock = nanoClock;
        this.retries = new Retries(retryTimeout, channel::resetConnectBackoff);
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("statelock-lease"));
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        this.callbacks = Executors.newCachedThreadPool(daemon("statelock-callback"));
        this.acquires = Executors.newCachedThreadPool(daemon("statelock-acquire"));
    }

    LockServiceGrpc.LockServiceBlockingStub blocking(Duration timeout) {
        return LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** For calls under a lease (heartbeat, release): never wait for a token fetch if one is cached. */
    LockServiceGrpc.LockServiceBlockingStub blockingUnderLease(Duration timeout) {
        return blocking(timeout).withOption(UNDER_LEASE, true);
    }

    /** Async lock calls are all under a lease (keep-alive, renewals). */
    LockServiceGrpc.LockServiceStub async() {
        return LockServiceGrpc.newStub(channel).withOption(UNDER_LEASE, true);
    }

    /** Watches are long-lived streams: no deadline, not under a lease. */
    LockServiceGrpc.LockServiceStub watching() {
        return LockServiceGrpc.newStub(channel);
    }

    StateServiceGrpc.StateServiceStub states() {
        return StateServiceGrpc.newStub(channel).withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    StateServiceGrpc.StateServiceBlockingStub statesBlocking() {
        return StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
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

    void close() {
        scheduler.shutdownNow();
        callbacks.shutdown();
        acquires.shutdown();
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
