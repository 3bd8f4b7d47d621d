package io.statelock.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** Runs a {@code @QuarkusTest} on the DynamoDB store, against dynalite on loopback. */
public class DynamoDbProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DynaliteResource.class));
    }
}
