package io.statelock.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/**
 * Runs a {@code @QuarkusTest} on the DynamoDB store against the shared {@link Dynalite}, in a lock
 * table of its own (created by the service at start-up), so test classes do not see each other's keys.
 */
public class DynaliteResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Dynalite dynalite = Dynalite.shared();
        return Map.of(
                "statelock.store", "dynamodb",
                "statelock.dynamodb.create-table", "true",
                "statelock.dynamodb.table", "statelock-test-" + UUID.randomUUID().toString().substring(0, 8),
                "quarkus.dynamodb.endpoint-override", dynalite.endpoint().toString(),
                "quarkus.dynamodb.aws.region", "us-east-1",
                "quarkus.dynamodb.aws.credentials.type", "static",
                "quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "test",
                "quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "test",
                "quarkus.dynamodb.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        // The shared server outlives one test class; its shutdown hook stops it with the JVM.
    }
}
