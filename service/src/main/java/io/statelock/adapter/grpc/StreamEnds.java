package io.statelock.adapter.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * Knows when a gRPC call's HTTP/2 stream is gone, and keeps the call from writing to it afterwards. The Vert.x
 * bridge that serves gRPC on the shared port does not always turn a client's RST_STREAM into the call's cancel,
 * nor a connection that closes (a killed runner, a dropped network) (quarkusio/quarkus#56268,
 * eclipse-vertx/vert.x#5562, vertx-grpc PR #370). A call it did not cancel goes on and answers later; Vert.x then
 * writes HEADERS to a stream Netty has already forgotten, Netty takes them for a server-opened stream with an odd
 * id, and closes the whole connection with GOAWAY PROTOCOL_ERROR ("Request stream N is not correct for server
 * connection"): every other call on it fails, a heartbeat among them. So:
 * <ul>
 * <li>a route filter hooks the end of every gRPC request (vertx-web runs end handlers when the response ends, when
 * the stream is reset and when the connection closes) and hands the hook, through the request's Vert.x context,
 * to this interceptor, which puts it in the call's gRPC context ({@link #current()}) for the calls that hold
 * something until their stream ends (a watch slot, an upload's spool, a download's file, a waiter);</li>
 * <li>every write of the call (headers, messages, close) runs on the request's event loop and only while the
 * stream is still there: the event loop is where the reset is processed, so a write is either before it (and
 * valid) or after it (and dropped), never on a forgotten stream.</li>
 * </ul>
 */
@ApplicationScoped
@GlobalInterceptor
public class StreamEnds implements ServerInterceptor {
    private static final String LOCAL = "statelock.stream-end";
    /** How long a worker waits for the event loop to take one write (see {@link End#write}). */
    static final long WRITE_WAIT_SECONDS = 10;

    private static final Context.Key<End> END = Context.key("statelock-stream-end");

    void register(@Observes Filters filters) {
        filters.register(
                rc -> {
                    io.vertx.core.Context vertx = Vertx.currentContext();
                    String type = rc.request().getHeader("content-type");
                    // Only in the request's own (duplicated) context: a shared one would hand the hook to another call.
                    if (vertx != null
                            && VertxContext.isDuplicatedContext(vertx)
                            && type != null
                            && type.startsWith("application/grpc")) {
                        ClientMistakes.install(vertx);
                        End end = new End(vertx, rc.response());
                        rc.addEndHandler(result -> end.fire());
                        GrpcFraming.watch(rc.request(), end);
                        vertx.putLocal(LOCAL, end);
                    }
                    rc.next();
                },
                10); // after the security filters: a refused request never reaches a call
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        io.vertx.core.Context vertx = Vertx.currentContext();
        End end = vertx != null && VertxContext.isDuplicatedContext(vertx) ? vertx.getLocal(LOCAL) : null;
        if (end == null) return next.startCall(call, headers);
        StreamGuard<Q, R> guard = new StreamGuard<>(call, end);
        return new FramingCheck<>(
                Contexts.interceptCall(Context.current().withValue(END, end), guard, headers, next), guard, end);
    }

    /** The end of the current call's HTTP/2 stream; one that never fires when the transport gives none. */
    static End current() {
        End end = END.get();
        return end == null ? new End(null, null) : end;
    }

    /** Runs its actions once when the stream ends, or at once if it already has. */
    static final class End {
        /** The request's Vert.x context (its event loop processes the stream's frames); null when unknown. */
        private final io.vertx.core.Context context;
        /** The request's response: closed once its stream is reset or its connection gone, whether or not the end fired. */
        private final io.vertx.core.http.HttpServerResponse response;
        // Guarded by this: the end comes on the event loop while calls register on their worker threads.
        private final List<Runnable> actions = new ArrayList<>();
        private boolean ended;
        /** Why the request's gRPC framing is broken ({@link GrpcFraming}); set on the event loop before the bytes go on. */
        private volatile String malformed;

        End(io.vertx.core.Context context, io.vertx.core.http.HttpServerResponse response) {
            this.context = context;
            this.response = response;
        }

        /** On the event loop: the stream can still be written to. */
        private boolean open() {
            return !ended() && (response == null || !response.closed());
        }

        void onEnd(Runnable run) {
            boolean now;
            synchronized (this) {
                now = ended;
                if (!now) actions.add(run);
            }
            if (now) run.run();
        }

        void malformed(String reason) {
            if (malformed == null) malformed = reason;
        }

        synchronized boolean ended() {
            return ended;
        }

        void fire() {
            List<Runnable> run;
            synchronized (this) {
                if (ended) return;
                ended = true;
                run = new ArrayList<>(actions);
                actions.clear();
            }
            run.forEach(Runnable::run);
        }

        /**
         * Runs {@code write} on the stream's event loop while the stream is there, and waits for it (exceptions
         * included, so the call's own checks still see them). False when the write was dropped: the stream is gone.
         */
        boolean write(Runnable write) {
            if (context == null
                    || ((io.vertx.core.impl.ContextInternal) context)
                            .nettyEventLoop()
                            .inEventLoop()) {
                if (!open()) return false;
                write.run();
                return true;
            }
            java.util.concurrent.atomic.AtomicBoolean gaveUp = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
            context.runOnContext(v -> {
                try {
                    // A caller that gave up waiting has treated the write as failed: it must not happen later.
                    boolean writing = !gaveUp.get() && open();
                    if (writing) write.run();
                    done.complete(writing);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
            try {
                // Timing: the event loop takes a write in microseconds; one that has not run in 10 s is stopped
                // (a loop shut down drops the task without a word) or stalled, and the call is given up.
                return done.get(WRITE_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                gaveUp.set(true);
                throw io.grpc.Status.UNAVAILABLE
                        .withDescription("the event loop did not take the answer")
                        .asRuntimeException();
            } catch (InterruptedException e) {
                gaveUp.set(true);
                Thread.currentThread().interrupt();
                throw io.grpc.Status.CANCELLED
                        .withDescription("interrupted while answering a call")
                        .asRuntimeException();
            }
        }
    }

    /**
     * Answers a call whose request framing is broken INVALID_ARGUMENT before its method sees the broken message or
     * the end of the stream; to the method the call is then cancelled, so it gives back what it holds.
     */
    private static final class FramingCheck<Q>
            extends io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final StreamGuard<Q, ?> guard;
        private final End end;
        private boolean refused; // the listener's callbacks come one at a time

        FramingCheck(ServerCall.Listener<Q> listener, StreamGuard<Q, ?> guard, End end) {
            super(listener);
            this.guard = guard;
            this.end = end;
        }

        /** True when the call was refused (now or before): the event goes no further. */
        private boolean refused() {
            if (refused) return true;
            String reason = end.malformed;
            if (reason == null) return false;
            refused = true;
            guard.refuse(io.grpc.Status.INVALID_ARGUMENT.withDescription("invalid argument: " + reason));
            super.onCancel();
            return true;
        }

        @Override
        public void onMessage(Q message) {
            if (!refused()) super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!refused()) super.onHalfClose();
        }

        @Override
        public void onReady() {
            if (!refused) super.onReady();
        }

        @Override
        public void onCancel() {
            if (!refused) super.onCancel();
        }

        @Override
        public void onComplete() {
            if (!refused) super.onComplete();
        }
    }
}
