package io.statelock.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.LockHeld;
import io.statelock.proto.v1.StateConflict;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that turns gRPC failures into client exceptions and decides what is retryable.
 * Structured details ({@code google.rpc.Status} details) are read; message strings never parsed.
 */
final class Errors {
    private Errors() {}

    /** Only {@code UNAVAILABLE} is retried: the call did not take effect or is idempotent. */
    static boolean isRetryable(Throwable t) {
        return Status.fromThrowable(t).getCode() == Status.Code.UNAVAILABLE;
    }

    /**
     * For state writes, which are never retried: a refusal stays what it is ({@link LeaseLostException}
     * when the lease or fence is not current, {@link StateConflictException} for other preconditions),
     * while a failure after which the write may or may not have landed becomes {@link
     * WriteOutcomeUnknownException}.
     */
    static StatelockException decodeWrite(Throwable t) {
        if (t instanceof StatelockException se) {
            return se;
        }
        Status status = Status.fromThrowable(t);
        String description = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        switch (status.getCode()) {
            case UNAVAILABLE:
            case DEADLINE_EXCEEDED:
            case CANCELLED:
            case UNKNOWN:
            case INTERNAL:
                return new WriteOutcomeUnknownException(
                        status.getCode().name(),
                        "outcome of the state write unknown: " + unavailableMessage(status),
                        t);
            case FAILED_PRECONDITION:
                if (detail(StatusProto.fromThrowable(t), LeaseLost.class) == null) {
                    return conflict(StatusProto.fromThrowable(t), description, t);
                }
                return decode(t);
            default:
                return decode(t);
        }
    }

    static StatelockException decode(Throwable t) {
        if (t instanceof StatelockException se) {
            return se;
        }
        Status status = Status.fromThrowable(t);
        com.google.rpc.Status rich = StatusProto.fromThrowable(t);
        String code = status.getCode().name();
        String description = status.getDescription() != null ? status.getDescription() : code;
        switch (status.getCode()) {
            case ABORTED: {
                LockHeld held = detail(rich, LockHeld.class);
                LockState holder = held != null && held.hasHolder() ? Convert.lockState(held.getHolder()) : null;
                return new LockHeldException(description, holder, t);
            }
            case FAILED_PRECONDITION: {
                if (detail(rich, StateConflict.class) != null) {
                    return conflict(rich, description, t);
                }
                LeaseLost lost = detail(rich, LeaseLost.class);
                LockState current = lost != null && lost.hasCurrent() ? Convert.lockState(lost.getCurrent()) : null;
                return new LeaseLostException(code, description, current, t);
            }
            case INVALID_ARGUMENT: {
                List<String> violations = new ArrayList<>();
                BadRequest br = detail(rich, BadRequest.class);
                if (br != null) {
                    br.getFieldViolationsList().forEach(v -> violations.add(v.getField() + ": " + v.getDescription()));
                }
                String msg =
                        violations.isEmpty() ? description : description + " (" + String.join("; ", violations) + ")";
                return new InvalidRequestException(msg, violations, t);
            }
            case NOT_FOUND:
                return new StateNotFoundException(description, t);
            case UNAUTHENTICATED:
            case PERMISSION_DENIED:
                return new PermissionException(code, transportRefusal(description), t);
            case UNAVAILABLE:
            case DEADLINE_EXCEEDED:
            case RESOURCE_EXHAUSTED:
                return new StatelockUnavailableException(code, unavailableMessage(status), t);
            default:
                return new StatelockException(code, description, t);
        }
    }

    /** A refused state write, with what the {@code StateConflict} detail says (if the service sent one). */
    private static StateConflictException conflict(com.google.rpc.Status rich, String description, Throwable t) {
        StateConflict c = detail(rich, StateConflict.class);
        if (c == null) {
            return new StateConflictException(description, t);
        }
        StateConflictException.Reason reason;
        switch (c.getReason()) {
            case SERIAL_BEHIND:
                reason = StateConflictException.Reason.SERIAL_BEHIND;
                break;
            case LINEAGE_MISMATCH:
                reason = StateConflictException.Reason.LINEAGE_MISMATCH;
                break;
            case CONCURRENT_WRITES:
                reason = StateConflictException.Reason.CONCURRENT_WRITES;
                break;
            default:
                reason = StateConflictException.Reason.UNKNOWN;
        }
        return new StateConflictException(
                description,
                reason,
                c.getCurrentVersion(),
                c.getCurrentSerial(),
                c.getCurrentLineage(),
                c.getAttemptedSerial(),
                c.getAttemptedLineage(),
                t);
    }

    /**
     * grpc-java describes a non-gRPC HTTP answer (e.g. the 401 a proxy or the service's mTLS filter
     * sends before any gRPC handling) over several lines with the headers and body; keep it to one:
     * {@code HTTP 401: client certificate required (mTLS)}.
     */
    static String transportRefusal(String description) {
        if (description == null || !description.startsWith("HTTP status code ")) {
            return description;
        }
        String first = description.lines().findFirst().orElse(description);
        String http = "HTTP " + first.substring("HTTP status code ".length()).strip();
        int data = description.indexOf("DATA-----------------------------");
        if (data >= 0) {
            String body = description
                    .substring(data + "DATA-----------------------------".length())
                    .strip();
            String line = body.lines().findFirst().orElse("").strip();
            if (!line.isEmpty()) {
                return "the service answered " + http + ": " + (line.length() > 200 ? line.substring(0, 200) : line);
            }
        }
        return "the service answered " + http;
    }

    private static String unavailableMessage(Status status) {
        StringBuilder sb = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            // Drop netty's "Channel Pipeline: [...]" line: noise in a one-line error.
            String d = status.getDescription()
                    .lines()
                    .filter(l -> !l.startsWith("Channel Pipeline:"))
                    .collect(java.util.stream.Collectors.joining(" "))
                    .strip();
            sb.append(": ").append(d);
        }
        Throwable cause = status.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause != null
                && cause.getMessage() != null
                && (status.getDescription() == null || !status.getDescription().contains(cause.getMessage()))) {
            sb.append(" (").append(cause.getMessage()).append(')');
        }
        for (Throwable c = status.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException) {
                sb.append("; TLS handshake failed: check the CA file (--ca-file, STATELOCK_CA_FILE), the service's "
                        + "certificate, and a client certificate if the service requires one");
                break;
            }
        }
        return sb.toString();
    }

    private static <T extends com.google.protobuf.Message> T detail(com.google.rpc.Status rich, Class<T> type) {
        if (rich == null) {
            return null;
        }
        for (Any any : rich.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (InvalidProtocolBufferException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
