package io.statelock.adapter.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.statelock.adapter.Incidents;
import io.statelock.adapter.RetryAfter;
import io.statelock.adapter.metrics.RpcMetrics;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.StatelockException;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockHeldException;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.LockHeld;
import io.statelock.state.StateConflictException;
import io.statelock.state.StateTooLargeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * The one place that maps domain errors to gRPC status (docs/design.md#error-model). Structured
 * detail goes into {@code google.rpc.Status} details, never only into the message.
 */
final class GrpcErrors {
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {}

    /** As {@link #toStatus(Throwable)}, and counts the answer (lease lost, heartbeat failure) for {@code rpc}. */
    static StatusRuntimeException toStatus(Throwable error, String rpc, RpcMetrics metrics) {
        StatusRuntimeException status = toStatus(error);
        metrics.failed(rpc, status.getStatus().getCode().name(), unwrap(error) instanceof LeaseLostException);
        return status;
    }

    static StatusRuntimeException toStatus(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof StatusRuntimeException sre) return sre;
        if (e instanceof StatelockException domain) return ofKind(domain);
        if (e instanceof CancellationException) return status(Code.CANCELLED, "call cancelled", null);
        return status(Code.INTERNAL, Incidents.internal("a gRPC call", e), null);
    }

    /** One answer per kind; no default, so a new kind does not compile until it has its status here. */
    static StatusRuntimeException ofKind(StatelockException e) {
        return switch (e.kind()) {
            case HELD ->
                status(
                        Code.ABORTED,
                        e.getMessage(),
                        Any.pack(LockHeld.newBuilder()
                                .setHolder(ProtoMapper.status(((LockHeldException) e).holder()))
                                .build()));
            case LEASE_LOST ->
                status(
                        Code.FAILED_PRECONDITION,
                        e.getMessage(),
                        Any.pack(LeaseLost.newBuilder()
                                .setCurrent(ProtoMapper.status(((LeaseLostException) e).current()))
                                .build()));
            case CONFLICT ->
                status(
                        Code.FAILED_PRECONDITION,
                        e.getMessage(),
                        Any.pack(StateProtoMapper.conflict((StateConflictException) e)));
            case INVALID -> status(Code.INVALID_ARGUMENT, e.getMessage(), badRequest((InvalidArgumentException) e));
            case NOT_FOUND -> status(Code.NOT_FOUND, e.getMessage(), null);
            case UNAUTHENTICATED -> status(Code.UNAUTHENTICATED, e.getMessage(), null);
            case PERMISSION_DENIED -> status(Code.PERMISSION_DENIED, e.getMessage(), null);
            // Table, bucket, endpoint and SDK text stay in the log, under the incident id the caller gets.
            case UNAVAILABLE -> status(Code.UNAVAILABLE, Incidents.storeUnavailable(e), retryInfo(e));
            case SHUTTING_DOWN -> status(Code.UNAVAILABLE, e.getMessage(), retryInfo(e));
            // A full replica: retry later (RetryInfo says when), as HTTP's Retry-After does.
            case FULL -> status(Code.RESOURCE_EXHAUSTED, e.getMessage(), retryInfo(e));
            case INSUFFICIENT_STORAGE -> {
                // Operators should hear of a disk below its margin too, not only the caller.
                LOG.warnf("state write refused: %s", e.getMessage());
                yield status(Code.RESOURCE_EXHAUSTED, e.getMessage(), retryInfo(e));
            }
            // No RetryInfo: the same bytes will never fit.
            case TOO_LARGE ->
                status(
                        Code.RESOURCE_EXHAUSTED,
                        e.getMessage(),
                        Any.pack(QuotaFailure.newBuilder()
                                .addViolations(QuotaFailure.Violation.newBuilder()
                                        .setSubject("statelock.state.max-size")
                                        .setDescription("a state may be at most "
                                                + ((StateTooLargeException) e).maxSize() + " bytes"))
                                .build()));
            case DATA_LOSS -> {
                LOG.errorf("state corrupted: %s", e.getMessage());
                yield status(Code.DATA_LOSS, e.getMessage(), null);
            }
        };
    }

    private static Any badRequest(InvalidArgumentException invalid) {
        BadRequest.Builder bad = BadRequest.newBuilder();
        invalid.violations()
                .forEach(v -> bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(v.field())
                        .setDescription(v.description())));
        return Any.pack(bad.build());
    }

    private static Any retryInfo(StatelockException e) {
        return RetryAfter.of(e.kind())
                .map(d -> Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.util.Durations.fromSeconds(d.toSeconds()))
                        .build()))
                .orElse(null);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static StatusRuntimeException status(Code code, String message, Any detail) {
        com.google.rpc.Status.Builder status =
                com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message == null ? "" : message);
        if (detail != null) status.addDetails(detail);
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
