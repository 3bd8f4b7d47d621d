package io.statelock.adapter.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;

/**
 * The transport answers a message over the size limit with RESOURCE_EXHAUSTED itself, skips it and
 * goes on reading: without a check, the end of a PutState stream that lost a chunk that way would
 * still reach the service, which would store the truncated bytes. So a client stream's end is
 * delivered only while the call is still unanswered; otherwise the service sees a cancel
 * ({@link RequestCardinality#onHalfClose}).
 */
final class TruncatedStreams {
    private TruncatedStreams() {}

    /** The call of a client-streaming method, able to tell later whether the transport answered it. */
    static <Q, R> ServerCall<Q, R> watch(ServerCall<Q, R> call) {
        return new Unanswered<>(call);
    }

    /** True when the call is a watched stream that the transport answered behind the service's back. */
    static boolean truncated(ServerCall<?, ?> call) {
        return call instanceof Unanswered<?, ?> watched && !watched.stillOpen();
    }

    /**
     * A client-streaming call that can tell whether it was answered behind the service's back (the
     * transport's own RESOURCE_EXHAUSTED): its response headers are then already sent. The service
     * sends no headers of its own before its one answer, so sending them at the stream's end is safe.
     */
    private static final class Unanswered<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        // Set from the call's serialized listener events and from the service's answer: volatile.
        private volatile boolean headersSent;

        Unanswered(ServerCall<Q, R> call) {
            super(call);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            if (headersSent) return;
            headersSent = true;
            super.sendHeaders(headers);
        }

        /** False when the transport already answered the call. */
        boolean stillOpen() {
            if (headersSent) return true;
            try {
                sendHeaders(new Metadata());
                return true;
            } catch (IllegalStateException answered) {
                return false;
            }
        }
    }
}
