package io.statelock.adapter.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.lock.AcquireCommand;
import io.statelock.lock.Lease;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockStatus;
import io.statelock.lock.PlainRunLock;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatResponse;
import java.util.ArrayList;
import java.util.List;

/** Converts between proto messages and domain types; the only class that knows both. */
final class ProtoMapper {
    private ProtoMapper() {}

    static LockKey key(String key) {
        return new LockKey(key);
    }

    static AcquireCommand command(AcquireRequest request) {
        List<InvalidArgumentException.Violation> violations = new ArrayList<>();
        LockKey key = null;
        String keyProblem = LockKey.problem(request.getKey());
        if (keyProblem != null) {
            violations.add(new InvalidArgumentException.Violation("key", keyProblem));
        } else {
            key = new LockKey(request.getKey());
        }
        java.time.Duration ttl = null;
        if (request.hasTtl()) {
            ttl = duration(request.getTtl(), "ttl", violations);
        }
        if (request.hasWaitTimeout()) {
            duration(request.getWaitTimeout(), "wait_timeout", violations);
        }
        LockInfo info = LockInfo.EMPTY;
        try {
            info = info(request.getInfo());
        } catch (InvalidArgumentException e) {
            violations.addAll(e.violations());
        }
        try {
            AcquireCommand command = new AcquireCommand(key, request.getOwner(), ttl, info, request.getRequestId());
            if (violations.isEmpty()) return command;
        } catch (InvalidArgumentException e) {
            // key problems are already listed; keep the others
            e.violations().stream().filter(v -> !v.field().equals("key")).forEach(violations::add);
        }
        throw new InvalidArgumentException(violations);
    }

    static java.time.Duration waitTimeout(AcquireRequest request) {
        return request.hasWaitTimeout() ? toJava(request.getWaitTimeout()) : java.time.Duration.ZERO;
    }

    static java.time.Duration optionalTtl(boolean present, Duration ttl) {
        if (!present) return null;
        List<InvalidArgumentException.Violation> violations = new ArrayList<>();
        java.time.Duration d = duration(ttl, "ttl", violations);
        if (!violations.isEmpty()) throw new InvalidArgumentException(violations);
        return d;
    }

    /** google.protobuf.Duration's own range: about 10,000 years (as {@link Durations#isValid} checks it). */
    private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

    private static java.time.Duration duration(Duration d, String field, List<InvalidArgumentException.Violation> out) {
        if (d.getSeconds() < 0 || d.getNanos() < 0) {
            out.add(new InvalidArgumentException.Violation(field, "must not be negative"));
            return null;
        }
        if (!Durations.isValid(d)) {
            out.add(new InvalidArgumentException.Violation(
                    field,
                    "is not a valid google.protobuf.Duration (seconds at most " + MAX_DURATION_SECONDS
                            + ", nanos at most 999999999)"));
            return null;
        }
        return toJava(d);
    }

    /** Epoch millis of a client's timestamp, refusing what is not a valid google.protobuf.Timestamp. */
    static long millis(Timestamp t, String field) {
        if (!Timestamps.isValid(t)) {
            throw InvalidArgumentException.of(
                    field, "is not a valid google.protobuf.Timestamp (years 1 to 9999, nanos 0 to 999999999)");
        }
        return Timestamps.toMillis(t);
    }

    static java.time.Duration toJava(Duration d) {
        return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    static LockInfo info(io.statelock.proto.v1.LockInfo info) {
        for (String reserved : List.of(PlainRunLock.ID_LABEL, PlainRunLock.MECHANISM_LABEL)) {
            // The service's own labels of a plain Terraform run's lock: a lease that set them would pass for one.
            if (info.containsLabels(reserved)) {
                throw InvalidArgumentException.of(
                        "info.labels",
                        "label " + reserved + " is reserved for the locks of"
                                + " plain Terraform runs that the service shows");
            }
        }
        return new LockInfo(
                info.getOperation(),
                info.getWho(),
                info.getVersion(),
                info.getPath(),
                info.getInfo(),
                info.getLabelsMap());
    }

    static io.statelock.proto.v1.LockInfo info(LockInfo info) {
        return io.statelock.proto.v1.LockInfo.newBuilder()
                .setOperation(info.operation())
                .setWho(info.who())
                .setVersion(info.version())
                .setPath(info.path())
                .setInfo(info.info())
                .putAllLabels(info.labels())
                .build();
    }

    static AcquireResponse acquired(Lease lease) {
        return AcquireResponse.newBuilder()
                .setKey(lease.key().value())
                .setLeaseId(lease.leaseId())
                .setFencingToken(lease.fencingToken())
                .setExpiresAt(Timestamps.fromMillis(lease.expiresAtMs()))
                .setTtl(Durations.fromMillis(lease.ttlMs()))
                .build();
    }

    static HeartbeatResponse renewed(Lease lease) {
        return HeartbeatResponse.newBuilder()
                .setKey(lease.key().value())
                .setLeaseId(lease.leaseId())
                .setFencingToken(lease.fencingToken())
                .setExpiresAt(Timestamps.fromMillis(lease.expiresAtMs()))
                .setTtl(Durations.fromMillis(lease.ttlMs()))
                .build();
    }

    static io.statelock.proto.v1.LockStatus status(LockStatus status) {
        io.statelock.proto.v1.LockStatus.Builder b = io.statelock.proto.v1.LockStatus.newBuilder()
                .setKey(status.key().value())
                .setHeld(status.held())
                .setOwner(status.owner())
                .setInfo(info(status.info()))
                .setFencingToken(status.fencingToken())
                .setLeaseIdHint(status.leaseIdHint());
        if (status.acquiredAtMs() > 0) b.setAcquiredAt(Timestamps.fromMillis(status.acquiredAtMs()));
        // A plain Terraform run's lock never expires: no expires_at.
        if (status.expiresAtMs() > 0 && status.expiresAtMs() != LockRecord.NO_EXPIRY) {
            b.setExpiresAt(Timestamps.fromMillis(status.expiresAtMs()));
        }
        return b.build();
    }

    static io.statelock.proto.v1.LockEvent event(LockEvent event) {
        return io.statelock.proto.v1.LockEvent.newBuilder()
                .setType(type(event.type()))
                .setStatus(status(event.status()))
                .setAt(Timestamps.fromMillis(event.atMs()))
                .build();
    }

    private static io.statelock.proto.v1.LockEvent.Type type(LockEvent.Type type) {
        return switch (type) {
            case SNAPSHOT -> io.statelock.proto.v1.LockEvent.Type.TYPE_UNSPECIFIED;
            case ACQUIRED -> io.statelock.proto.v1.LockEvent.Type.ACQUIRED;
            case RENEWED -> io.statelock.proto.v1.LockEvent.Type.RENEWED;
            case RELEASED -> io.statelock.proto.v1.LockEvent.Type.RELEASED;
            case EXPIRED -> io.statelock.proto.v1.LockEvent.Type.EXPIRED;
            case FORCE_RELEASED -> io.statelock.proto.v1.LockEvent.Type.FORCE_RELEASED;
        };
    }

    static io.statelock.proto.v1.AuditRecord auditRecord(io.statelock.audit.AuditEntry e) {
        return io.statelock.proto.v1.AuditRecord.newBuilder()
                .setAt(Timestamps.fromMillis(e.atMs()))
                .setAction(e.action())
                .setKey(e.key())
                .setSubject(e.subject())
                .putAllClaims(e.claims())
                .setOutcome(e.outcome())
                .setPreviousOwner(e.previousOwner())
                .setPreviousFencingToken(e.previousFencingToken())
                .setFencingToken(e.fencingToken())
                .setReason(e.reason())
                .setPeer(e.peer())
                .build();
    }
}
