package io.statelock.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** Runs a {@code @QuarkusTest} with JWT authentication and the test policy. */
public class JwtProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(JwtResource.class));
    }
}
