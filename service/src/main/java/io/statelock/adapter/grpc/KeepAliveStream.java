package io.statelock.adapter.grpc;

import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import java.util.function.Function;

/**
 * One KeepAlive call: a response per renewal request; the first error (e.g. LeaseLost) ends the
 * stream. Renewal itself is the service's, passed in; each renewal is timed and counted as
 * {@code keep_alive} by the {@link CallRunner}.
 */
final class KeepAliveStream implements StreamObserver<HeartbeatRequest> {
    private final StreamObserver<HeartbeatResponse> responses;
    private final Function<HeartbeatRequest, HeartbeatResponse> renew;
    private final CallRunner calls;
    // Guarded by this observer: gRPC delivers one message at a time, but the end may race a renewal.
    private boolean ended;

    KeepAliveStream(
            StreamObserver<HeartbeatResponse> responses,
            Function<HeartbeatRequest, HeartbeatResponse> renew,
            CallRunner calls) {
        this.responses = responses;
        this.renew = renew;
        this.calls = calls;
    }

    @Override
    public synchronized void onNext(HeartbeatRequest request) {
        if (ended) return;
        long start = System.nanoTime();
        try {
            responses.onNext(renew.apply(request));
            calls.succeeded("keep_alive", start);
        } catch (RuntimeException e) {
            ended = true;
            responses.onError(calls.failed("keep_alive", e, start));
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
