package io.statelock.boot;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.statelock.audit.AuditStore;
import io.statelock.audit.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** Wires the audit trail over the audit store; flushes it on shutdown. */
@ApplicationScoped
public class AuditBeans {
    // Shutdown waits this long for queued audit records; quarkus.shutdown.timeout has let calls finish by then.
    private static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(10);

    @Produces
    @Singleton
    AuditTrail auditTrail(AuditStore store, Clock clock, StatelockConfig config) {
        return new AuditTrail(
                store,
                clock,
                config.audit().queueCapacity(),
                config.audit().batchSize(),
                config.audit().maxRetry());
    }

    /** Opens the audit store at start-up, so a bad data directory or missing table fails the start. */
    void onStart(@Observes StartupEvent event, AuditTrail trail) {
        // injecting it is enough: the singleton is created now
    }

    /** Writes what is queued before the stores close. */
    void onStop(@Observes ShutdownEvent event, AuditTrail trail) {
        trail.close(SHUTDOWN_FLUSH);
    }
}
