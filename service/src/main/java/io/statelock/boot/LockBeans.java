package io.statelock.boot;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.statelock.lock.ExecutorScheduler;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvents;
import io.statelock.lock.LockSettings;
import io.statelock.lock.PlainRunView;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.TerraformLocks;
import io.statelock.lock.watch.WatchHub;
import io.statelock.lock.watch.WatchLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the domain from configuration: the only place that knows both. */
@ApplicationScoped
public class LockBeans {

    @Produces
    @Singleton
    LockSettings settings(StatelockConfig config) {
        return new LockSettings(
                config.lease().defaultTtl(),
                config.lease().minTtl(),
                config.lease().maxTtl(),
                config.lease().maxClockSkew(),
                config.waiting().pollInterval(),
                config.waiting().maxWaiters(),
                config.fence().epoch());
    }

    @Produces
    @Singleton
    Clock clock(StatelockConfig config) {
        // The system clock, offset only by the test-only statelock.testing.clock-offset (refused by prod).
        return TestingSettings.clock(config);
    }

    @Produces
    @Singleton
    LockEvents events() {
        return new LockEvents();
    }

    @Produces
    @Singleton
    ExecutorScheduler scheduler() {
        return new ExecutorScheduler(8);
    }

    void closeScheduler(@Disposes ExecutorScheduler scheduler) {
        scheduler.close();
    }

    @Produces
    @Singleton
    LockCoordinator coordinator(
            LockTable table,
            TerraformLocks terraform,
            LockSettings settings,
            Clock clock,
            ExecutorScheduler scheduler,
            LockEvents events) {
        // Forced releases are audited at the API edge, which knows the caller (AuditTrail, before the answer).
        return new LockCoordinator(
                new PlainRunView(table, terraform, settings.fences()), terraform, settings, clock, scheduler, events);
    }

    @Produces
    @Singleton
    WatchHub watchHub(
            LockTable table,
            TerraformLocks terraform,
            LockEvents events,
            ExecutorScheduler scheduler,
            Clock clock,
            LockSettings settings,
            StatelockConfig config) {
        return new WatchHub(
                new PlainRunView(table, terraform, settings.fences()),
                events,
                scheduler,
                clock,
                settings,
                new WatchLimits(
                        config.watch().maxStreams(),
                        config.watch().maxStreamsPerCaller(),
                        config.watch().maxBufferedEvents()));
    }

    /** Opens the store at start-up, so a bad data directory or table fails the start, not the first call. */
    void onStart(@Observes StartupEvent event, LockCoordinator coordinator, WatchHub watches) {
        // injecting them is enough: the singletons are created now
    }

    /** Graceful shutdown: waiters and watchers are told UNAVAILABLE so they retry elsewhere. */
    void onStop(@Observes ShutdownEvent event, LockCoordinator coordinator, WatchHub watches) {
        coordinator.shutdown();
        watches.shutdown();
    }
}
