package io.statelock.api.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.statelock.security.AccessGuard;
import io.statelock.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Authenticates every gRPC call from its {@code authorization} metadata and puts the caller in the
 * call's context. Health checks and server reflection stay open, as orchestrators and tools need them.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallerInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Caller> CALLER = Context.key("statelock-caller");

    @Inject
    AccessGuard guard;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (service == null || service.startsWith("grpc.health.") || service.startsWith("grpc.reflection.")) {
            return next.startCall(call, headers);
        }
        Caller caller;
        try {
            caller = guard.authenticate(headers.get(AUTHORIZATION));
        } catch (RuntimeException e) {
            var status = GrpcErrors.toStatus(e);
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    /** The authenticated caller of the current call (anonymous when authentication is off). */
    static Caller current() {
        Caller caller = CALLER.get();
        return caller == null ? Caller.ANONYMOUS : caller;
    }
}
