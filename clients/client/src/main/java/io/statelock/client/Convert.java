package io.statelock.client;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatResponse;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Proto messages to and from the public value types; the only place that knows both. Timestamps
 * and durations go through protobuf's {@link Timestamps} and {@link Durations}: what they make is
 * normalized (a duration's nanos carry the sign of its seconds), and what they read must be a valid
 * google.protobuf value (years 1 to 9999, durations within 10,000 years), else
 * IllegalArgumentException. Values the proto cannot hold are sent unchecked, for the service to refuse.
 */
final class Convert {
    private Convert() {}

    static LockState lockState(LockStatus s) {
        if (s == null) {
            return null;
        }
        LockInfo i = s.getInfo();
        return new LockState(
                s.getKey(),
                s.getHeld(),
                s.getOwner(),
                i.getOperation(),
                i.getWho(),
                i.getVersion(),
                i.getPath(),
                i.getInfo(),
                i.getLabelsMap(),
                s.getFencingToken(),
                s.hasAcquiredAt() ? instant(s.getAcquiredAt()) : null,
                s.hasExpiresAt() ? instant(s.getExpiresAt()) : null,
                s.getLeaseIdHint());
    }

    static LeaseGrant grant(AcquireResponse r) {
        return new LeaseGrant(
                r.getKey(),
                r.getLeaseId(),
                r.getFencingToken(),
                r.hasExpiresAt() ? instant(r.getExpiresAt()) : null,
                r.hasTtl() ? duration(r.getTtl()) : null,
                r.getTerraformLockId());
    }

    static LeaseGrant grant(HeartbeatResponse r) {
        return new LeaseGrant(
                r.getKey(),
                r.getLeaseId(),
                r.getFencingToken(),
                r.hasExpiresAt() ? instant(r.getExpiresAt()) : null,
                r.hasTtl() ? duration(r.getTtl()) : null);
    }

    static Timestamp timestamp(Instant i) {
        long seconds = i.getEpochSecond();
        int nanos = i.getNano();
        if (!Timestamps.isValid(seconds, nanos)) {
            // Before year 1 or after 9999: sent as it is, for the service to refuse (INVALID_ARGUMENT, naming
            // the field) as it always has, where Timestamps would throw IllegalArgumentException here.
            return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
        }
        // Seconds and nanos apart: an Instant's epoch nanos overflow a long outside 1677..2262.
        return Timestamps.add(Timestamps.fromSeconds(seconds), Durations.fromNanos(nanos));
    }

    static AuditEntry auditEntry(io.statelock.proto.v1.AuditRecord a) {
        return new AuditEntry(
                a.hasAt() ? instant(a.getAt()) : null,
                a.getAction(),
                a.getKey(),
                a.getSubject(),
                a.getClaimsMap(),
                a.getOutcome(),
                a.getPreviousOwner(),
                a.getPreviousFencingToken(),
                a.getFencingToken(),
                a.getReason(),
                a.getPeer());
    }

    static StateVersion stateVersion(io.statelock.proto.v1.StateVersion v) {
        return new StateVersion(
                v.getKey(),
                v.getVersion(),
                v.getSize(),
                v.getSha256(),
                v.getFencingToken(),
                v.hasWrittenAt() ? instant(v.getWrittenAt()) : null,
                v.getWrittenBy());
    }

    static LockEvent lockEvent(io.statelock.proto.v1.LockEvent e) {
        return new LockEvent(
                LockEvent.Type.of(e.getTypeValue()), lockState(e.getStatus()), e.hasAt() ? instant(e.getAt()) : null);
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(Timestamps.toSeconds(t), t.getNanos()); // toSeconds checks it is valid
    }

    static Duration duration(com.google.protobuf.Duration d) {
        return Duration.ofSeconds(Durations.toSeconds(d), d.getNanos()); // toSeconds checks it is valid
    }

    static com.google.protobuf.Duration duration(Duration d) {
        long seconds = d.getSeconds();
        if (!Durations.isValid(seconds, 0)) {
            // Beyond 10,000 years: sent as it is, for the service to refuse (INVALID_ARGUMENT, naming the
            // field) as it always has, where Durations would throw IllegalArgumentException here.
            return com.google.protobuf.Duration.newBuilder()
                    .setSeconds(seconds)
                    .setNanos(d.getNano())
                    .build();
        }
        // A java.time.Duration's nanos are never negative (-0.5 s is -1 s + 0.5e9 ns); add() normalizes that
        // to the proto's form (0 s, -0.5e9 ns). Seconds and nanos apart: toNanos() overflows past 292 years.
        return Durations.add(Durations.fromSeconds(seconds), Durations.fromNanos(d.getNano()));
    }
}
