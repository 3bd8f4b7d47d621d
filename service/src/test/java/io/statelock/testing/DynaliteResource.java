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
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return Map.ofEntries(
                Map.entry("statelock.store", "dynamodb"),
                Map.entry("statelock.dynamodb.create-table", "true"),
                Map.entry("statelock.dynamodb.table", "statelock-test-" + suffix),
                Map.entry("statelock.dynamodb.audit-table", "statelock-audit-test-" + suffix),
                Map.entry(
                        "quarkus.dynamodb.endpoint-override",
                        dynalite.endpoint().toString()),
                Map.entry("quarkus.dynamodb.aws.region", "us-east-1"),
                Map.entry("quarkus.dynamodb.aws.credentials.type", "static"),
                Map.entry("quarkus.dynamodb.aws.credentials.static-provider.access-key-id", "test"),
                Map.entry("quarkus.dynamodb.aws.credentials.static-provider.secret-access-key", "test"),
                Map.entry("quarkus.dynamodb.devservices.enabled", "false"));
    }

    @Override
    public void stop() {
        // The shared server outlives one test class; its shutdown hook stops it with the JVM.
    }
}
