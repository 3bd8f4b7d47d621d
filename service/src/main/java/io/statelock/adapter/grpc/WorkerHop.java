package io.statelock.adapter.grpc;

import io.grpc.Context;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.statelock.lock.ShuttingDownException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the blocking part of a hot call (acquire, heartbeat, release: one store write each) on the worker
 * pool in one hop. Quarkus' {@code @Blocking} hands every event of a call (start, ready, message,
 * half-close, complete) to the pool separately, each with a CDI request context; these methods start on
 * the event loop, touch nothing blocking there, and move once, with the call's gRPC context.
 */
final class WorkerHop {
    private WorkerHop() {}

    /** Throws {@link ShuttingDownException} when the pool takes no more work (it is being shut down). */
    static void run(Runnable task) {
        try {
            Infrastructure.getDefaultWorkerPool().execute(Context.current().wrap(task));
        } catch (RejectedExecutionException e) {
            throw new ShuttingDownException();
        }
    }
}
