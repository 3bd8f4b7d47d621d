package io.statelock.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** Runs a {@code @QuarkusTest} on the DynamoDB store (dynalite) with JWT authentication and the test policy. */
public class DynamoDbJwtProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DynaliteResource.class), new TestResourceEntry(JwtResource.class));
    }
}
