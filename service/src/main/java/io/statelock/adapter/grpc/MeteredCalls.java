package io.statelock.adapter.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.statelock.adapter.metrics.RpcMetrics;
import java.util.function.Supplier;

/**
 * How the hot lock calls (acquire, heartbeat, release, keep-alive) run and are answered: timed at the edge,
 * errors mapped in {@link GrpcErrors} and counted with their code, the body moved to a worker once
 * ({@link WorkerHop}).
 */
final class MeteredCalls {
    private final RpcMetrics metrics;

    MeteredCalls(RpcMetrics metrics) {
        this.metrics = metrics;
    }

    /** The error answer of a metered call: mapped in GrpcErrors, counted and timed with its code. */
    StatusRuntimeException failed(String rpc, Throwable error, long startNanos) {
        StatusRuntimeException status = GrpcErrors.toStatus(error, rpc, metrics);
        metrics.completed(rpc, status.getStatus().getCode().name(), startNanos);
        return status;
    }

    void succeeded(String rpc, long startNanos) {
        metrics.completed(rpc, "OK", startNanos);
    }

    /** The rest of the call on a worker thread; if the pool refuses it (shutting down), the caller is told. */
    void offload(String rpc, StreamObserver<?> responses, long start, Runnable rest) {
        try {
            WorkerHop.run(() -> {
                try {
                    rest.run();
                } catch (RuntimeException e) {
                    // Not a failure the body answered itself (e.g. the stream refused onNext): end the call anyway.
                    try {
                        responses.onError(failed(rpc, e, start));
                    } catch (RuntimeException closed) {
                        // the call is over already
                    }
                }
            });
        } catch (RuntimeException e) {
            responses.onError(failed(rpc, e, start));
        }
    }

    /** A unary call timed at the edge (heartbeat latency histogram). */
    <T> void unary(String rpc, long start, StreamObserver<T> responses, Supplier<T> body) {
        T response;
        try {
            response = body.get();
        } catch (RuntimeException e) {
            responses.onError(failed(rpc, e, start));
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
        succeeded(rpc, start);
    }
}
