package io.statelock.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JWT authentication with small Watch limits (8 streams, 3 per caller, 20 buffered events) and the store's
 * reads behind {@link GatedReads}, so tests reach every limit with few streams and can hold a snapshot read.
 */
public class WatchLimitsProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(JwtResource.class));
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "statelock.watch.max-streams",
                "8",
                "statelock.watch.max-streams-per-caller",
                "3",
                "statelock.watch.max-buffered-events",
                "20");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(GatedStoreProducer.class);
    }
}
