package io.statelock.adapter.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.statelock.audit.AuditTrail;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Authenticates every gRPC call from its {@code authorization} metadata and puts the caller in the
 * call's context, with the peer address. Health checks and server reflection stay open, as orchestrators
 * and tools need them. Every call that ends UNAUTHENTICATED or PERMISSION_DENIED is audited.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallerInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Caller> CALLER = Context.key("statelock-caller");
    private static final Context.Key<String> PEER = Context.key("statelock-peer");
    private static final Context.Key<Deferred> DEFERRED = Context.key("statelock-deferred-caller");

    @Inject
    AccessGuard guard;

    @Inject
    AuditTrail audit;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (service == null || service.startsWith("grpc.health.") || service.startsWith("grpc.reflection.")) {
            return next.startCall(call, headers);
        }
        String peer = DenialAudit.peer(call);
        if (guard.enabled() && io.vertx.core.Context.isOnEventLoopThread()) {
            // A call that starts on the event loop (acquire, heartbeat, release: see CallRunner.offload) verifies its
            // token
            // on first use, on its worker thread: verifying can fetch the issuer's JWKS, which must not block the loop.
            Deferred deferred = new Deferred(guard, headers.get(AUTHORIZATION));
            DenialAudit.Watched<Q, R> watched = new DenialAudit.Watched<>(call, audit, deferred::knownOrNull, peer);
            Context context = Context.current().withValue(DEFERRED, deferred).withValue(PEER, peer);
            return watched.listen(Contexts.interceptCall(context, watched, headers, next));
        }
        Caller caller;
        try {
            caller = guard.authenticate(headers.get(AUTHORIZATION));
        } catch (RuntimeException e) {
            var status = GrpcErrors.toStatus(e);
            // Refused before the request message is read, so the record names no key.
            DenialAudit.record(audit, null, peer, call.getMethodDescriptor(), "", status.getStatus());
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        DenialAudit.Watched<Q, R> watched = new DenialAudit.Watched<>(call, audit, () -> caller, peer);
        Context context = Context.current().withValue(CALLER, caller).withValue(PEER, peer);
        return watched.listen(Contexts.interceptCall(context, watched, headers, next));
    }

    /**
     * The authenticated caller of the current call (anonymous when authentication is off). For a call whose
     * token is verified on first use, this verifies it and throws {@link io.statelock.security.UnauthenticatedException}
     * when it is not valid.
     */
    static Caller current() {
        Deferred deferred = DEFERRED.get();
        if (deferred != null) return deferred.get();
        Caller caller = CALLER.get();
        return caller == null ? Caller.ANONYMOUS : caller;
    }

    /** The current call's remote address (host:port), or "" when the transport does not say. */
    static String peer() {
        String peer = PEER.get();
        return peer == null ? "" : peer;
    }

    /** A token verified once, on first use; the outcome (caller or failure) is kept for later uses. */
    private static final class Deferred {
        private final AccessGuard guard;
        private final String authorization;
        private Caller caller; // guarded by this
        private RuntimeException failure; // guarded by this

        Deferred(AccessGuard guard, String authorization) {
            this.guard = guard;
            this.authorization = authorization;
        }

        synchronized Caller get() {
            if (caller == null && failure == null) {
                try {
                    caller = guard.authenticate(authorization);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) throw failure;
            return caller;
        }

        /** For the denial audit: the caller if verified, null if not (yet) or if the token was refused. */
        synchronized Caller knownOrNull() {
            return caller;
        }
    }
}
