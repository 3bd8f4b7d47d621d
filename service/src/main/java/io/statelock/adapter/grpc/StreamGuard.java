package io.statelock.adapter.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.statelock.adapter.grpc.StreamEnds.End;

/**
 * A call whose writes go through {@link StreamEnds.End#write}: never to a stream that is gone. A unary call keeps its
 * headers and message until it closes and hands all three to the event loop as one task: one wait for the loop
 * per call instead of three (each a park and a wake-up of the worker; a lock call's largest cost after the
 * store's own). A message whose stream is gone by then fails the close, so the caller still learns that the
 * answer (a grant) went nowhere. Its method answers from one thread (onNext then onCompleted, as every unary
 * handler here does), so the held fields need no lock. Client streams write at once: {@link TruncatedStreams}
 * sends their headers to learn whether the transport answered them already.
 */
final class StreamGuard<Q, R> extends io.grpc.ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final End end;
    private final boolean unary;

    /** Set once the call was refused for broken framing: what its method writes afterwards goes nowhere. */
    private volatile boolean refused;

    // A unary call's headers and message until its close.
    private Metadata heldHeaders;
    private R heldMessage;
    private boolean holdsMessage;

    StreamGuard(ServerCall<Q, R> call, End end) {
        super(call);
        this.end = end;
        this.unary = call.getMethodDescriptor().getType() == io.grpc.MethodDescriptor.MethodType.UNARY;
    }

    void refuse(io.grpc.Status status) {
        refused = true;
        try {
            end.write(() -> super.close(status, new Metadata()));
        } catch (IllegalStateException alreadyAnswered) {
            // The transport answered the broken request itself (a message over the size limit): nothing to add.
        }
    }

    @Override
    public void sendHeaders(Metadata headers) {
        if (refused) return;
        if (unary) {
            heldHeaders = headers;
            return;
        }
        end.write(() -> super.sendHeaders(headers));
    }

    /** A message to a stream that is gone is an error to the caller, which then gives back what it sent (a grant). */
    @Override
    public void sendMessage(R message) {
        if (unary && !refused) {
            heldMessage = message;
            holdsMessage = true;
            return;
        }
        if (refused || !end.write(() -> super.sendMessage(message))) throw streamGone();
    }

    @Override
    public void close(io.grpc.Status status, Metadata trailers) {
        if (refused) {
            if (holdsMessage) throw streamGone(); // refused for broken framing: the answer goes nowhere
            return;
        }
        if (!unary) {
            end.write(() -> super.close(status, trailers));
            return;
        }
        Metadata headers = heldHeaders;
        R message = heldMessage;
        boolean withMessage = holdsMessage;
        heldHeaders = null;
        heldMessage = null;
        holdsMessage = false;
        boolean written = end.write(() -> {
            if (headers != null) super.sendHeaders(headers);
            if (withMessage) super.sendMessage(message);
            super.close(status, trailers);
        });
        if (!written && withMessage) throw streamGone();
    }

    private static io.grpc.StatusRuntimeException streamGone() {
        return io.grpc.Status.CANCELLED
                .withDescription("the client's stream is gone")
                .asRuntimeException();
    }
}
