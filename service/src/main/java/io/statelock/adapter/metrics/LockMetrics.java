package io.statelock.adapter.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.statelock.common.LockKey;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockEvents;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replica-level lock figures, fed by {@link LockEvents} (the domain knows nothing of metrics):
 * waiting callers, leases held through this replica, expirations and takeovers.
 */
public final class LockMetrics implements AutoCloseable {
    private final Clock clock;
    private final Counter expirations;
    private final Counter takeovers;
    // Leases granted or renewed on this replica, by key, with the expiry last seen. Concurrent:
    // events arrive on request threads, sweeps run on the scrape thread; remove(k, v) decides races.
    private final Map<LockKey, Long> held = new ConcurrentHashMap<>();
    private final LockEvents.Subscription subscription;

    public LockMetrics(MeterRegistry registry, LockCoordinator coordinator, LockEvents events, Clock clock) {
        this.clock = clock;
        this.expirations = Counter.builder("statelock.lease.expirations")
                .description("Leases held through this replica that ran out without being released")
                .register(registry);
        this.takeovers = Counter.builder("statelock.lease.takeovers")
                .description("Acquires on this replica that took a key over from an expired lease")
                .register(registry);
        Gauge.builder("statelock.waiters", coordinator, LockCoordinator::waitingCallers)
                .description("Acquire calls waiting on this replica")
                .register(registry);
        Gauge.builder("statelock.leases.held", this, LockMetrics::heldNow)
                .description("Live leases granted or renewed through this replica")
                .register(registry);
        this.subscription = events.subscribe(key -> true, this::onEvent);
    }

    private void onEvent(LockEvent event) {
        LockKey key = event.status().key();
        switch (event.type()) {
            case ACQUIRED, RENEWED -> held.put(key, event.status().expiresAtMs());
            case RELEASED, FORCE_RELEASED -> held.remove(key);
            case EXPIRED -> {
                takeovers.increment();
                if (held.remove(key) != null) expirations.increment();
            }
            default -> {
                // SNAPSHOT is never published on LockEvents
            }
        }
    }

    /** Counts live leases; leases whose expiry passed without a release are counted as expired once. */
    double heldNow() {
        long now = clock.millis();
        int live = 0;
        for (Map.Entry<LockKey, Long> e : held.entrySet()) {
            if (e.getValue() >= now) {
                live++;
            } else if (held.remove(e.getKey(), e.getValue())) {
                expirations.increment();
            }
        }
        return live;
    }

    @Override
    public void close() {
        subscription.close();
    }
}
