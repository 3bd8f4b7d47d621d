package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AcquireOptions is an immutable value: what was built stays as built. */
class AcquireOptionsTest {
    @Test
    void aBuiltValueDoesNotChangeWithItsBuilder() {
        AcquireOptions.Builder b =
                AcquireOptions.builder().ttl(Duration.ofSeconds(30)).owner("ci").label("env", "prod");
        AcquireOptions built = b.build();
        b.ttl(Duration.ofSeconds(5)).label("env", "dev").label("team", "net");
        assertEquals(Duration.ofSeconds(30), built.ttl());
        assertEquals(Map.of("env", "prod"), built.labels());
        assertThrows(UnsupportedOperationException.class, () -> built.labels().put("x", "y"));
    }

    @Test
    void equalSettingsAreEqualValues() {
        AcquireOptions a = AcquireOptions.builder()
                .ttl(Duration.ofSeconds(30))
                .owner("ci")
                .label("env", "prod")
                .build();
        AcquireOptions b = AcquireOptions.builder()
                .ttl(Duration.ofSeconds(30))
                .owner("ci")
                .label("env", "prod")
                .build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(
                a,
                AcquireOptions.builder().ttl(Duration.ofSeconds(30)).owner("ci").build());
        assertNull(a.requestId(), "no request id of its own: each call makes one");
    }

    @Test
    void badSettingsAreRefusedWhenSet() {
        assertThrows(
                IllegalArgumentException.class, () -> AcquireOptions.builder().ttl(Duration.ZERO));
        assertThrows(
                IllegalArgumentException.class, () -> AcquireOptions.builder().waitTimeout(Duration.ofSeconds(-1)));
        assertThrows(
                IllegalArgumentException.class, () -> AcquireOptions.builder().requestId(" "));
    }
}
