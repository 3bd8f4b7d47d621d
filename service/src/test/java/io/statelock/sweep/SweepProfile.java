package io.statelock.sweep;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The embedded store, with a state size limit small enough that the sweep can cross it cheaply. */
public class SweepProfile implements QuarkusTestProfile {
    /** {@code statelock.state.max-size} in the sweep: 4 MiB. */
    static final int MAX_BODY = 4 * 1024 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("statelock.state.max-size", "4M");
    }
}
