package io.statelock.adapter.grpc;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.statelock.adapter.metrics.RpcMetrics;
import io.statelock.common.ShuttingDownException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * How every call of the lock and state services runs and is answered: timed at the edge and counted with
 * its status code ({@link RpcMetrics}), errors mapped in {@link GrpcErrors}. The hot lock calls (acquire,
 * heartbeat, release: one store write each) start on the event loop and move to the worker pool once
 * ({@link #offload}); the other methods are {@code @Blocking} and run their body in place.
 */
final class CallRunner {
    private final RpcMetrics metrics;

    CallRunner(RpcMetrics metrics) {
        this.metrics = metrics;
    }

    /** The error answer of a call: mapped in GrpcErrors, counted and timed with its code. */
    StatusRuntimeException failed(String rpc, Throwable error, long startNanos) {
        StatusRuntimeException status = GrpcErrors.toStatus(error, rpc, metrics);
        metrics.completed(rpc, status.getStatus().getCode().name(), startNanos);
        return status;
    }

    void succeeded(String rpc, long startNanos) {
        metrics.completed(rpc, "OK", startNanos);
    }

    /** A unary call, timed from now: the body's answer, or its error mapped and counted. */
    <T> void unary(String rpc, StreamObserver<T> responses, Supplier<T> body) {
        unary(rpc, System.nanoTime(), responses, body);
    }

    /** A unary call timed from {@code start} (the edge, before a worker hop: heartbeat latency histogram). */
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

    /**
     * A call that streams its answer itself and completes it in {@code body}. A failure is counted; it is
     * answered only while the client is still there (one that left has cancelled the call already).
     */
    void streaming(String rpc, ServerCallStreamObserver<?> call, Runnable body) {
        long start = System.nanoTime();
        try {
            body.run();
        } catch (RuntimeException e) {
            StatusRuntimeException status = failed(rpc, e, start);
            if (!call.isCancelled()) call.onError(status);
            return;
        }
        succeeded(rpc, start);
    }

    /**
     * The rest of the call on a worker thread, in one hop with the call's gRPC context. Quarkus'
     * {@code @Blocking} hands every event of a call (start, ready, message, half-close, complete) to the pool
     * separately, each with a CDI request context; the hot calls start on the event loop, touch nothing
     * blocking there, and move once. If the pool refuses the task (shutting down), the caller is told.
     */
    void offload(String rpc, StreamObserver<?> responses, long start, Runnable rest) {
        try {
            onWorker(() -> {
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

    /** Throws {@link ShuttingDownException} when the pool takes no more work (it is being shut down). */
    private static void onWorker(Runnable task) {
        try {
            Infrastructure.getDefaultWorkerPool().execute(Context.current().wrap(task));
        } catch (RejectedExecutionException e) {
            throw new ShuttingDownException();
        }
    }
}
