package io.statelock.boot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.StartupEvent;
import io.statelock.adapter.dynamodb.ConsumedCapacity;
import io.statelock.adapter.metrics.CapacityMetrics;
import io.statelock.adapter.metrics.LockMetrics;
import io.statelock.adapter.metrics.RpcMetrics;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvents;
import io.statelock.lock.watch.WatchHub;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the statelock_* meters (served at /q/metrics on the one port). */
@ApplicationScoped
public class MetricsBeans {

    @Produces
    @Singleton
    LockMetrics lockMetrics(MeterRegistry registry, LockCoordinator coordinator, LockEvents events, Clock clock) {
        return new LockMetrics(registry, coordinator, events, clock);
    }

    void closeLockMetrics(@Disposes LockMetrics metrics) {
        metrics.close();
    }

    @Produces
    @Singleton
    RpcMetrics rpcMetrics(MeterRegistry registry) {
        return new RpcMetrics(registry);
    }

    /**
     * The SDK interceptor that meters consumed capacity, found by the DynamoDB client through CDI by the class
     * named in {@code quarkus.dynamodb.interceptors}; unremovable, as nothing else injects it.
     */
    @Produces
    @Singleton
    @Unremovable
    ConsumedCapacity consumedCapacity(MeterRegistry registry) {
        return new ConsumedCapacity(new CapacityMetrics(registry)::consumed);
    }

    /** The lock meters exist from the start, so a scrape before the first call already shows them. */
    void onStart(@Observes StartupEvent event, LockMetrics metrics, MeterRegistry registry, WatchHub watches) {
        // injecting the lock meters is enough: the singleton subscribes to lock events now
        Gauge.builder("statelock.watch.streams", watches, WatchHub::openStreams)
                .description("Open Watch streams on this replica")
                .register(registry);
        Gauge.builder("statelock.watch.buffered.events", watches, WatchHub::bufferedEvents)
                .description("Events Watch streams of this replica hold for readers that have not taken them yet")
                .register(registry);
    }
}
