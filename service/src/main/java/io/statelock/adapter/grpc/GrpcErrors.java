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
import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockHeldException;
import io.statelock.lock.ShuttingDownException;
import io.statelock.lock.StoreUnavailableException;
import io.statelock.lock.TooManyWaitersException;
import io.statelock.adapter.metrics.RpcMetrics;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.security.PermissionDeniedException;
import io.statelock.security.UnauthenticatedException;
import io.statelock.proto.v1.LockHeld;
import io.statelock.state.InsufficientStorageException;
import io.statelock.state.StateConflictException;
import io.statelock.state.StateTooLargeException;
import io.statelock.state.StateCorruptedException;
import io.statelock.state.StateNotFoundException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * The one place that maps domain errors to gRPC status (DESIGN.md error model). Structured
 * detail goes into {@code google.rpc.Status} details, never only into the message.
 */
final class GrpcErrors {
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    /** As {@link #toStatus(Throwable)}, and counts the answer (lease lost, heartbeat failure) for {@code rpc}. */
    static StatusRuntimeException toStatus(Throwable error, String rpc, RpcMetrics metrics) {
        StatusRuntimeException status = toStatus(error);
        metrics.failed(rpc, status.getStatus().getCode().name(), unwrap(error) instanceof LeaseLostException);
        return status;
    }

    static StatusRuntimeException toStatus(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof StatusRuntimeException sre) return sre;
        if (e instanceof LockHeldException held) {
            return status(Code.ABORTED, held.getMessage(),
                    Any.pack(LockHeld.newBuilder().setHolder(ProtoMapper.status(held.holder())).build()));
        }
        if (e instanceof LeaseLostException lost) {
            return status(Code.FAILED_PRECONDITION, lost.getMessage(),
                    Any.pack(LeaseLost.newBuilder().setCurrent(ProtoMapper.status(lost.current())).build()));
        }
        if (e instanceof InvalidArgumentException invalid) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            invalid.violations().forEach(v -> bad.addFieldViolations(
                    BadRequest.FieldViolation.newBuilder().setField(v.field()).setDescription(v.description())));
            return status(Code.INVALID_ARGUMENT, invalid.getMessage(), Any.pack(bad.build()));
        }
        if (e instanceof UnauthenticatedException) return status(Code.UNAUTHENTICATED, e.getMessage(), null);
        if (e instanceof PermissionDeniedException) return status(Code.PERMISSION_DENIED, e.getMessage(), null);
        if (e instanceof StoreUnavailableException) {
            // Table, bucket, endpoint and SDK text stay in the log, under the incident id the caller gets.
            return status(Code.UNAVAILABLE, Incidents.storeUnavailable(e), retryInfo(e));
        }
        if (e instanceof StateConflictException conflict) {
            return status(Code.FAILED_PRECONDITION, conflict.getMessage(), Any.pack(StateProtoMapper.conflict(conflict)));
        }
        if (e instanceof StateNotFoundException) return status(Code.NOT_FOUND, e.getMessage(), null);
        if (e instanceof StateCorruptedException) {
            LOG.errorf("state corrupted: %s", e.getMessage());
            return status(Code.DATA_LOSS, e.getMessage(), null);
        }
        if (e instanceof ShuttingDownException) return status(Code.UNAVAILABLE, e.getMessage(), retryInfo(e));
        // Operators should hear of a disk below its margin too, not only the caller.
        if (e instanceof InsufficientStorageException) LOG.warnf("state write refused: %s", e.getMessage());
        if (e instanceof TooManyWaitersException || e instanceof InsufficientStorageException) {
            // A full replica: retry later (RetryInfo says when), as HTTP's Retry-After does.
            return status(Code.RESOURCE_EXHAUSTED, e.getMessage(), retryInfo(e));
        }
        if (e instanceof StateTooLargeException tooLarge) {
            // No RetryInfo: the same bytes will never fit.
            return status(Code.RESOURCE_EXHAUSTED, e.getMessage(), Any.pack(QuotaFailure.newBuilder()
                    .addViolations(QuotaFailure.Violation.newBuilder().setSubject("statelock.state.max-size")
                            .setDescription("a state may be at most " + tooLarge.maxSize() + " bytes"))
                    .build()));
        }
        if (e instanceof CancellationException) return status(Code.CANCELLED, "call cancelled", null);
        return status(Code.INTERNAL, Incidents.internal("a gRPC call", e), null);
    }

    private static Any retryInfo(Throwable e) {
        return RetryAfter.of(e).map(d -> Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(d.toSeconds())).build())).orElse(null);
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static StatusRuntimeException status(Code code, String message, Any detail) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
                .setMessage(message == null ? "" : message);
        if (detail != null) status.addDetails(detail);
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
