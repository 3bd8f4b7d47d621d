package io.statelock.adapter.health;

import io.statelock.state.port.BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the state blob store can take writes (S3: HeadBucket; filesystem: the directory is
 * there and writable). Locks alone would still work without it, but every state write and read
 * would fail, so a replica that cannot reach it is taken out of the load balancer.
 */
@Readiness
@ApplicationScoped
public class BlobStoreReadinessCheck implements HealthCheck {
    @Inject
    BlobStore blobs;

    @ConfigProperty(name = "statelock.blob", defaultValue = "filesystem") // the same default as StatelockConfig
    String blob;

    private final DownReason down = new DownReason("blob store unavailable");

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("blob-store").withData("blob", blob);
        try {
            blobs.checkReady();
            return response.up().build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", down.of(e)).build();
        }
    }
}
