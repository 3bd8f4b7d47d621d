package io.statelock.boot;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Guards the test-only {@code statelock.testing.*} settings (a clock offset, a deliberately broken
 * fence check): they are used only under the {@code harness}, {@code test} or {@code dev} profile, and
 * the service refuses to start with any of them set under any other profile, {@code prod} included.
 * The beans that use them (the clock, and the state pointers, wrapped in the broken
 * {@code adapter.harness.FenceIgnoringStatePointers}, which only the harness's build carries) ask here first, so nothing is built with them
 * in production even before the start-up check runs; the store adapters never see them.
 */
@ApplicationScoped
public class TestingSettings {
    private static final Logger LOG = Logger.getLogger(TestingSettings.class);
    static final Set<String> ALLOWED_PROFILES = Set.of("harness", "test", "dev");

    /** Fails the start (non-zero exit) when a testing setting is set outside the allowed profiles. */
    void check(@Observes @Priority(1) StartupEvent event, StatelockConfig config) {
        require(config);
        StatelockConfig.Testing t = config.testing();
        if (t.skipFenceCheck()) {
            StateBeans.fenceIgnoringClass(); // the production build refuses here, before claiming to be broken
            LOG.warn("BROKEN ON PURPOSE: statelock.testing.skip-fence-check=true, this replica accepts stale state"
                    + " writers (safety harness only)");
        }
        if (!t.clockOffset().isZero()) LOG.warnf("testing: this replica's clock is offset by %s", t.clockOffset());
    }

    /** The clock of this replica: the system clock, plus the test-only offset when allowed. */
    static Clock clock(StatelockConfig config) {
        require(config);
        Duration offset = config.testing().clockOffset();
        return offset.isZero() ? Clock.systemUTC() : Clock.offset(Clock.systemUTC(), offset);
    }

    /** Whether this replica's state writes ignore the lease and fence (only ever true when allowed). */
    static boolean skipFenceCheck(StatelockConfig config) {
        require(config);
        return config.testing().skipFenceCheck();
    }

    private static void require(StatelockConfig config) {
        String refusal = refusal(
                ConfigUtils.getProfiles(),
                config.testing().clockOffset(),
                config.testing().skipFenceCheck(),
                config.lease().maxClockSkew());
        if (refusal != null) throw new IllegalStateException(refusal);
    }

    /** Why the service must not start with these settings under these profiles, or null when it may. */
    static String refusal(List<String> profiles, Duration clockOffset, boolean skipFenceCheck, Duration maxClockSkew) {
        List<String> set = new ArrayList<>();
        if (!clockOffset.isZero()) set.add("statelock.testing.clock-offset=" + clockOffset);
        if (skipFenceCheck) set.add("statelock.testing.skip-fence-check=true");
        if (set.isEmpty()) return null;
        if (profiles.stream().noneMatch(ALLOWED_PROFILES::contains)) {
            return "refusing to start: " + String.join(", ", set) + " is for the safety harness only and is refused"
                    + " under the profile " + String.join(",", profiles) + "; run with -Dquarkus.profile=harness"
                    + " (never in production)";
        }
        // Two replicas offset either way stay within max-clock-skew of each other, the skew the design allows.
        if (clockOffset.abs().multipliedBy(2).compareTo(maxClockSkew) > 0) {
            return "refusing to start: statelock.testing.clock-offset=" + clockOffset + " is more than half of"
                    + " statelock.lease.max-clock-skew=" + maxClockSkew + " either way";
        }
        return null;
    }
}
