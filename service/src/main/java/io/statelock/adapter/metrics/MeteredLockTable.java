package io.statelock.adapter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.ReleaseResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Counts every call to the lock store by operation and outcome ({@code statelock_store_calls_total})
 * and times it ({@code statelock_store_call_duration_seconds}), whichever store is behind it. One
 * port call is one conditional write (acquire, heartbeat, release, force_release) or one read
 * (get, list, check_ready); on DynamoDB a failed condition is followed by one consistent GetItem
 * inside the same port call (outcomes {@code held}, {@code lost}, {@code not_held}), and a force release
 * reads the holder before its write.
 */
public final class MeteredLockTable implements LockTable {
    static final String CALLS = "statelock.store.calls";
    static final String DURATION = "statelock.store.call.duration";

    private final LockTable delegate;
    private final MeterRegistry registry;
    // Meters are looked up once per (operation, outcome) and cached: the hot path does one map get.
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public MeteredLockTable(LockTable delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.registry = registry;
    }

    @Override
    public AcquireResult acquire(NewLease lease, long takeoverBeforeMs) {
        return metered(
                "acquire",
                () -> delegate.acquire(lease, takeoverBeforeMs),
                r -> r instanceof AcquireResult.Granted ? "granted" : "held");
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner) {
        return metered(
                "heartbeat",
                () -> delegate.heartbeat(key, leaseId, nowMs, ttlMs, owner),
                r -> r instanceof HeartbeatResult.Renewed ? "renewed" : "lost");
    }

    @Override
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        return metered(
                "release",
                () -> delegate.release(key, leaseId, owner),
                r -> r instanceof ReleaseResult.Released ? "released" : "not_held");
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        return metered(
                "force_release",
                () -> delegate.forceRelease(key, expectedCounter),
                r -> r instanceof ForceReleaseResult.Broken
                        ? "broken"
                        : r instanceof ForceReleaseResult.NotHeld ? "not_held" : "fence_mismatch");
    }

    @Override
    public Optional<LockRecord> get(LockKey key) {
        return metered("get", () -> delegate.get(key), r -> r.isPresent() ? "found" : "absent");
    }

    @Override
    public RecordPage list(String prefix, int limit, String pageToken) {
        return metered("list", () -> delegate.list(prefix, limit, pageToken), r -> "ok");
    }

    @Override
    public void checkReady() {
        metered(
                "check_ready",
                () -> {
                    delegate.checkReady();
                    return Boolean.TRUE;
                },
                r -> "ok");
    }

    private <T> T metered(String operation, Supplier<T> call, Function<T, String> outcome) {
        long start = System.nanoTime();
        String result = "error";
        try {
            T value = call.get();
            result = outcome.apply(value);
            return value;
        } catch (StoreUnavailableException e) {
            result = "unavailable";
            throw e;
        } finally {
            long elapsed = System.nanoTime() - start;
            counter(operation, result).increment();
            timer(operation).record(elapsed, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private Counter counter(String operation, String outcome) {
        return counters.computeIfAbsent(
                operation + '/' + outcome,
                k -> Counter.builder(CALLS)
                        .description("Calls to the lock store by operation and outcome")
                        .tag("operation", operation)
                        .tag("outcome", outcome)
                        .register(registry));
    }

    private Timer timer(String operation) {
        return timers.computeIfAbsent(
                operation,
                k -> Timer.builder(DURATION)
                        .description("Time spent in lock store calls")
                        .tag("operation", operation)
                        .register(registry));
    }
}
