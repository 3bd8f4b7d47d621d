package io.statelock.adapter.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * Makes the client's deadline visible to service methods. The Vert.x-based server shares the HTTP
 * port but does not put the {@code grpc-timeout} header into {@link Context#getDeadline()}, so this
 * interceptor reads the header and carries the deadline in a context key.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallDeadlines implements ServerInterceptor {
    private static final Metadata.Key<String> TIMEOUT =
            Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Long> DEADLINE_NANOS = Context.key("statelock-deadline-nanos");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Long timeoutNanos = parse(headers.get(TIMEOUT));
        if (timeoutNanos == null) return next.startCall(call, headers);
        Context context = Context.current().withValue(DEADLINE_NANOS, System.nanoTime() + timeoutNanos);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** Milliseconds left before the caller's deadline, or -1 when the caller set none. */
    static long remainingMillis() {
        if (Context.current().getDeadline() != null) {
            return Context.current().getDeadline().timeRemaining(TimeUnit.MILLISECONDS);
        }
        Long deadline = DEADLINE_NANOS.get();
        return deadline == null ? -1 : TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    /** grpc-timeout is 1-8 digits and a unit: H, M, S, m, u or n. */
    static Long parse(String value) {
        if (value == null || value.length() < 2 || value.length() > 9) return null;
        long amount;
        try {
            amount = Long.parseLong(value.substring(0, value.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        return switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS.toNanos(amount);
            case 'M' -> TimeUnit.MINUTES.toNanos(amount);
            case 'S' -> TimeUnit.SECONDS.toNanos(amount);
            case 'm' -> TimeUnit.MILLISECONDS.toNanos(amount);
            case 'u' -> TimeUnit.MICROSECONDS.toNanos(amount);
            case 'n' -> amount;
            default -> null;
        };
    }
}
