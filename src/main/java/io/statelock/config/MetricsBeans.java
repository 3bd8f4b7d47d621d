package io.statelock.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvents;
import io.statelock.metrics.LockMetrics;
import io.statelock.metrics.RpcMetrics;
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

    /** The lock meters exist from the start, so a scrape before the first call already shows them. */
    void onStart(@Observes StartupEvent event, LockMetrics metrics) {
        // injecting it is enough: the singleton subscribes to lock events now
    }
}
