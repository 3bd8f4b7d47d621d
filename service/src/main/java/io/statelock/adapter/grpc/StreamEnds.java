package io.statelock.adapter.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.StateServiceGrpc;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Tells a Watch, PutState or GetState call that its HTTP/2 stream is gone. The Vert.x bridge that serves gRPC on the shared port turns a
 * client's RST_STREAM into the call's cancel, but not a connection that closes (a killed runner, a dropped
 * network): such a call is never cancelled, and its watch would keep its slot (an upload its spool file) for good. A route filter hooks the
 * end of every such request (vertx-web runs end handlers when the response ends and when the connection closes)
 * and hands the hook, through the request's Vert.x context, to this interceptor, which puts it in the call's
 * gRPC context for {@link WatchCall}, {@link PutStateCall} and the download.
 */
@ApplicationScoped
@GlobalInterceptor
public class StreamEnds implements ServerInterceptor {
    /** The calls that hold something until their stream ends: a watch slot, an upload's spool, a download's file. */
    private static final java.util.Set<String> PATHS = java.util.Set.of(
            "/" + LockServiceGrpc.getWatchMethod().getFullMethodName(),
            "/" + StateServiceGrpc.getPutStateMethod().getFullMethodName(),
            "/" + StateServiceGrpc.getGetStateMethod().getFullMethodName());
    private static final String LOCAL = "statelock.stream-end";
    private static final Context.Key<End> END = Context.key("statelock-stream-end");

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            io.vertx.core.Context vertx = Vertx.currentContext();
            // Only in the request's own (duplicated) context: a shared one would hand the hook to another call.
            if (vertx != null && VertxContext.isDuplicatedContext(vertx) && PATHS.contains(rc.request().path())) {
                End end = new End();
                rc.addEndHandler(result -> end.fire());
                vertx.putLocal(LOCAL, end);
            }
            rc.next();
        }, 10); // after the security filters: a refused request never reaches a watch
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        io.vertx.core.Context vertx = Vertx.currentContext();
        End end = vertx != null && VertxContext.isDuplicatedContext(vertx) ? vertx.getLocal(LOCAL) : null;
        if (end == null) return next.startCall(call, headers);
        return Contexts.interceptCall(Context.current().withValue(END, end), call, headers, next);
    }

    /** The end of the current call's HTTP/2 stream; one that never fires when the transport gives none. */
    static End current() {
        End end = END.get();
        return end == null ? new End() : end;
    }

    /** Runs its action once when the stream ends, or at once if it already has. */
    static final class End {
        // Guarded by this: the end comes on the event loop while the call registers on its worker thread.
        private Runnable action;
        private boolean ended;

        void onEnd(Runnable run) {
            boolean now;
            synchronized (this) {
                now = ended;
                if (!now) action = run;
            }
            if (now) run.run();
        }

        void fire() {
            Runnable run;
            synchronized (this) {
                ended = true;
                run = action;
                action = null;
            }
            if (run != null) run.run();
        }
    }
}
