package io.statelock.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-only settings are refused outside the harness, test and dev profiles, and bounded by the skew. */
class TestingSettingsTest {
    static final Duration SKEW = Duration.ofSeconds(1);

    @Test
    void nothingSetStartsUnderEveryProfile() {
        assertThat(TestingSettings.refusal(List.of("prod"), Duration.ZERO, false, SKEW))
                .isNull();
    }

    @Test
    void prodRefusesEitherSetting() {
        assertThat(TestingSettings.refusal(List.of("prod"), Duration.ZERO, true, SKEW))
                .contains("refusing to start")
                .contains("skip-fence-check")
                .contains("prod");
        assertThat(TestingSettings.refusal(List.of("prod"), Duration.ofMillis(200), false, SKEW))
                .contains("refusing to start")
                .contains("clock-offset");
        assertThat(TestingSettings.refusal(List.of("staging"), Duration.ZERO, true, SKEW))
                .contains("refusing to start");
    }

    @Test
    void harnessProfileAllowsThemWithinHalfTheSkew() {
        assertThat(TestingSettings.refusal(List.of("harness"), Duration.ofMillis(-500), true, SKEW))
                .isNull();
        assertThat(TestingSettings.refusal(List.of("test"), Duration.ofMillis(400), false, SKEW))
                .isNull();
        assertThat(TestingSettings.refusal(List.of("harness"), Duration.ofMillis(501), false, SKEW))
                .contains("more than half");
    }
}
