package io.statelock.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.LockHeld;
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
        String msg = violations.isEmpty() ? description : description + " (" + String.join("; ", violations) + ")";
        return new InvalidRequestException(msg, violations, t);
      }
      case UNAUTHENTICATED:
      case PERMISSION_DENIED:
        return new PermissionException(code, description, t);
      case UNAVAILABLE:
      case DEADLINE_EXCEEDED:
      case RESOURCE_EXHAUSTED:
        return new StatelockUnavailableException(code, unavailableMessage(status), t);
      default:
        return new StatelockException(code, description, t);
    }
  }

  private static String unavailableMessage(Status status) {
    StringBuilder sb = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      sb.append(": ").append(status.getDescription());
    }
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null
        && (status.getDescription() == null || !status.getDescription().contains(cause.getMessage()))) {
      sb.append(" (").append(cause.getMessage()).append(')');
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
