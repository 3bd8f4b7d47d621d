package io.statelock.api.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockHeldException;
import io.statelock.lock.ShuttingDownException;
import io.statelock.lock.StoreUnavailableException;
import io.statelock.lock.TooManyWaitersException;
import io.statelock.metrics.RpcMetrics;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.security.PermissionDeniedException;
import io.statelock.security.UnauthenticatedException;
import io.statelock.proto.v1.LockHeld;
import io.statelock.state.StateConflictException;
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
            LOG.warnf("store unavailable: %s", e.getMessage());
            return status(Code.UNAVAILABLE, "lock store unavailable, retry: " + e.getMessage(), null);
        }
        if (e instanceof StateConflictException) return status(Code.FAILED_PRECONDITION, e.getMessage(), null);
        if (e instanceof StateNotFoundException) return status(Code.NOT_FOUND, e.getMessage(), null);
        if (e instanceof StateCorruptedException) {
            LOG.errorf("state corrupted: %s", e.getMessage());
            return status(Code.DATA_LOSS, e.getMessage(), null);
        }
        if (e instanceof ShuttingDownException) return status(Code.UNAVAILABLE, e.getMessage(), null);
        if (e instanceof TooManyWaitersException) return status(Code.RESOURCE_EXHAUSTED, e.getMessage(), null);
        if (e instanceof CancellationException) return status(Code.CANCELLED, "call cancelled", null);
        LOG.error("unexpected error", e);
        return status(Code.INTERNAL, "internal error: " + e.getClass().getSimpleName(), null);
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
