package io.statelock.sweep;

import io.statelock.testing.DynamoDbProfile;
import java.util.Map;

/** The DynamoDB store (dynalite on loopback), with the sweep's small body limit. */
public class DynamoDbSweepProfile extends DynamoDbProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return new SweepProfile().getConfigOverrides();
    }
}
