package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConvertTest {
    private static com.google.protobuf.Duration proto(long seconds, int nanos) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(seconds)
                .setNanos(nanos)
                .build();
    }

    @Test
    void durationsToProto() {
        assertEquals(proto(0, 0), Convert.duration(Duration.ZERO));
        assertEquals(proto(30, 0), Convert.duration(Duration.ofSeconds(30)));
        assertEquals(proto(1, 500_000_000), Convert.duration(Duration.ofMillis(1500)));
        assertEquals(proto(0, 1), Convert.duration(Duration.ofNanos(1)));
        // Negative: the proto's nanos carry the sign of its seconds.
        assertEquals(proto(0, -500_000_000), Convert.duration(Duration.ofMillis(-500)));
        assertEquals(proto(-1, -500_000_000), Convert.duration(Duration.ofMillis(-1500)));
        // Beyond what toNanos() can hold (292 years), within the proto's 10,000 years.
        assertEquals(
                proto(Duration.ofDays(365 * 1000).getSeconds(), 7),
                Convert.duration(Duration.ofDays(365 * 1000).plusNanos(7)));
    }

    @Test
    void durationsFromProto() {
        assertEquals(Duration.ZERO, Convert.duration(proto(0, 0)));
        assertEquals(Duration.ofMillis(1500), Convert.duration(proto(1, 500_000_000)));
        assertEquals(Duration.ofNanos(999_999_999), Convert.duration(proto(0, 999_999_999)));
        assertEquals(Duration.ofMillis(-500), Convert.duration(proto(0, -500_000_000)));
        assertEquals(Duration.ofMillis(-1500), Convert.duration(proto(-1, -500_000_000)));
        assertThrows(IllegalArgumentException.class, () -> Convert.duration(proto(1, -1)), "signs differ");
    }

    @Test
    void roundTrips() {
        for (Duration d : new Duration[] {
            Duration.ZERO,
            Duration.ofNanos(-1),
            Duration.ofMillis(-2001),
            Duration.ofHours(1).plusNanos(123),
            Duration.ofSeconds(-7, 3)
        }) {
            assertEquals(d, Convert.duration(Convert.duration(d)), d.toString());
        }
        for (Instant i : new Instant[] {
            Instant.EPOCH,
            Instant.ofEpochSecond(-1, 999_999_999),
            Instant.parse("2026-12-03T20:00:00.123456789Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("0001-01-01T00:00:00Z")
        }) {
            assertEquals(i, Convert.instant(Convert.timestamp(i)), i.toString());
        }
    }

    @Test
    void outOfProtoRangeIsSentForTheServiceToRefuse() {
        Instant after9999 = Instant.parse("+10000-01-01T00:00:00.5Z");
        Timestamp t = Convert.timestamp(after9999);
        assertEquals(after9999.getEpochSecond(), t.getSeconds());
        assertEquals(500_000_000, t.getNanos());
        Duration longer = Duration.ofDays(366L * 10_001).plusNanos(3);
        assertEquals(proto(longer.getSeconds(), 3), Convert.duration(longer));
    }

    @Test
    void timestamps() {
        assertEquals(
                Timestamp.newBuilder().setSeconds(-1).setNanos(999_999_999).build(),
                Convert.timestamp(Instant.ofEpochSecond(-1, 999_999_999)));
        assertEquals(
                Instant.ofEpochSecond(1_700_000_000, 5),
                Convert.instant(Timestamp.newBuilder()
                        .setSeconds(1_700_000_000)
                        .setNanos(5)
                        .build()));
        assertThrows(
                IllegalArgumentException.class,
                () -> Convert.instant(
                        Timestamp.newBuilder().setSeconds(0).setNanos(-1).build()),
                "negative nanos");
    }
}
