package io.statelock.adapter.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.statelock.adapter.metrics.RpcMetrics;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import java.util.function.Function;

/**
 * One KeepAlive call: a response per renewal request; the first error (e.g. LeaseLost) ends the
 * stream. Renewal itself and error mapping are the service's, passed in.
 */
final class KeepAliveStream implements StreamObserver<HeartbeatRequest> {
    /** Maps a failed renewal to the status that ends the stream (and records it). */
    interface Failure {
        StatusRuntimeException apply(RuntimeException error, long startNanos);
    }

    private final StreamObserver<HeartbeatResponse> responses;
    private final Function<HeartbeatRequest, HeartbeatResponse> renew;
    private final Failure failure;
    private final RpcMetrics metrics;
    // Guarded by this observer: gRPC delivers one message at a time, but the end may race a renewal.
    private boolean ended;

    KeepAliveStream(StreamObserver<HeartbeatResponse> responses, Function<HeartbeatRequest, HeartbeatResponse> renew,
                    Failure failure, RpcMetrics metrics) {
        this.responses = responses;
        this.renew = renew;
        this.failure = failure;
        this.metrics = metrics;
    }

    @Override
    public synchronized void onNext(HeartbeatRequest request) {
        if (ended) return;
        long start = System.nanoTime();
        try {
            responses.onNext(renew.apply(request));
            metrics.completed("keep_alive", "OK", start);
        } catch (RuntimeException e) {
            ended = true;
            responses.onError(failure.apply(e, start));
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        ended = true;
    }

    @Override
    public synchronized void onCompleted() {
        if (ended) return;
        ended = true;
        responses.onCompleted();
    }
}
