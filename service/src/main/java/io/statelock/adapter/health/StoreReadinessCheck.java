package io.statelock.adapter.health;

import io.statelock.lock.LockCoordinator;
import io.statelock.lock.port.LockTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the lock store answers (DynamoDB: DescribeTable; embedded: database open). */
@Readiness
@ApplicationScoped
public class StoreReadinessCheck implements HealthCheck {
    @Inject
    LockTable table;

    @ConfigProperty(name = "statelock.store", defaultValue = "embedded") // the same default as StatelockConfig
    String store;

    @Inject
    LockCoordinator locks;

    private final DownReason down = new DownReason("lock store unavailable");

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("lock-store")
                .withData("store", store)
                .withData("waiting", locks.waitingCallers());
        try {
            table.checkReady();
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", down.of(e)).build();
        }
    }
}
