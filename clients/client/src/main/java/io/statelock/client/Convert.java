package io.statelock.client;

import com.google.protobuf.Timestamp;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatResponse;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockStatus;
import java.time.Duration;
import java.time.Instant;

/** Proto messages to and from the public value types; the only place that knows both. */
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
        r.getKey(), r.getLeaseId(), r.getFencingToken(),
        r.hasExpiresAt() ? instant(r.getExpiresAt()) : null,
        r.hasTtl() ? duration(r.getTtl()) : null);
  }

  static LeaseGrant grant(HeartbeatResponse r) {
    return new LeaseGrant(
        r.getKey(), r.getLeaseId(), r.getFencingToken(),
        r.hasExpiresAt() ? instant(r.getExpiresAt()) : null,
        r.hasTtl() ? duration(r.getTtl()) : null);
  }

  static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static AuditEntry auditEntry(io.statelock.proto.v1.AuditRecord a) {
    return new AuditEntry(a.hasAt() ? instant(a.getAt()) : null, a.getAction(), a.getKey(), a.getSubject(),
        a.getClaimsMap(), a.getOutcome(), a.getPreviousOwner(), a.getPreviousFencingToken(), a.getFencingToken(),
        a.getReason(), a.getPeer());
  }

  static StateVersion stateVersion(io.statelock.proto.v1.StateVersion v) {
    return new StateVersion(v.getKey(), v.getVersion(), v.getSize(), v.getSha256(), v.getFencingToken(),
        v.hasWrittenAt() ? instant(v.getWrittenAt()) : null, v.getWrittenBy());
  }

  static LockEvent lockEvent(io.statelock.proto.v1.LockEvent e) {
    return new LockEvent(LockEvent.Type.of(e.getTypeValue()), lockState(e.getStatus()),
        e.hasAt() ? instant(e.getAt()) : null);
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }
}
