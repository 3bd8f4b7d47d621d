package io.statelock.client;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.HeartbeatResponse;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One lease's {@code KeepAlive} stream: renewals go out as stream messages and each answer is
 * matched to the send time of its request (one response per request, in order), which is what
 * the lease's validity counts from. Guarded by the lease's lock: every method is called holding
 * it, and the gRPC callbacks take it.
 */
final class RenewalStream {
    private static final System.Logger LOG = System.getLogger(RenewalStream.class.getName());

    /** What the lease hears from the stream (called holding the lease's lock). */
    interface Listener {
        void renewed(long sentNanos, LeaseGrant grant);

        void failed(Throwable error);
    }

    private final Object lock;
    private final ClientCore client;
    private final Listener listener;
    /** The open KeepAlive call, or null. */
    private ClientCallStreamObserver<HeartbeatRequest> stream;
    /** The bearer token the open stream was started with (call credentials are fixed per call). */
    private String streamToken;
    /** Send times of requests not answered yet, oldest first. */
    private final ArrayDeque<Long> pendingSends = new ArrayDeque<>();

    RenewalStream(Object lock, ClientCore client, Listener listener) {
        this.lock = lock;
        this.client = client;
        this.listener = listener;
    }

    /** True when a renewal sent on the open stream has gone unanswered for {@code intervalNanos}. */
    boolean stalled(long nowNanos, long intervalNanos) {
        return stream != null && !pendingSends.isEmpty() && nowNanos - pendingSends.peekFirst() >= intervalNanos;
    }

    /**
     * Sends one renewal of {@code key}, opening a stream first if none is open (or if the token
     * rotated). False when the call failed at once; the listener has heard why.
     */
    boolean send(String key, String leaseId, String token, long nowNanos) {
        if (stream != null && pendingSends.isEmpty() && !Objects.equals(token, streamToken)) {
            // The token rotated (token file rewritten, OIDC token refreshed): headers are per call,
            // so renew over a new stream that carries the new token.
            LOG.log(System.Logger.Level.DEBUG, () -> "bearer token changed; reopening the keep-alive stream of " + key);
            ClientCallStreamObserver<HeartbeatRequest> old = stream;
            stream = null;
            old.onCompleted();
        }
        if (stream == null) {
            streamToken = token;
            open();
        }
        if (stream == null) {
            return false;
        }
        pendingSends.addLast(nowNanos);
        stream.onNext(
                HeartbeatRequest.newBuilder().setKey(key).setLeaseId(leaseId).build());
        return true;
    }

    void cancel(String why) {
        if (stream != null) {
            ClientCallStreamObserver<HeartbeatRequest> s = stream;
            stream = null;
            pendingSends.clear();
            s.cancel(why, null);
        }
    }

    private void open() {
        pendingSends.clear();
        client.async().keepAlive(new ClientResponseObserver<HeartbeatRequest, HeartbeatResponse>() {
            private ClientCallStreamObserver<HeartbeatRequest> call;

            @Override
            public void beforeStart(ClientCallStreamObserver<HeartbeatRequest> requestStream) {
                this.call = requestStream;
                stream = requestStream; // under lock: open() runs holding it, beforeStart is synchronous
            }

            @Override
            public void onNext(HeartbeatResponse r) {
                synchronized (lock) {
                    Long sent = pendingSends.pollFirst();
                    if (stream == call && sent != null) {
                        listener.renewed(sent, Convert.grant(r));
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                synchronized (lock) {
                    if (stream != call) {
                        return; // an old stream we already gave up on
                    }
                    stream = null;
                    pendingSends.clear();
                    listener.failed(t);
                }
            }

            @Override
            public void onCompleted() {
                synchronized (lock) {
                    if (stream == call) {
                        stream = null;
                        pendingSends.clear();
                    }
                }
            }
        });
    }
}
