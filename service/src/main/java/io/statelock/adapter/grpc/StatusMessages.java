package io.statelock.adapter.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.nio.charset.StandardCharsets;

/**
 * Sends a status message as the gRPC spec encodes it: printable ASCII as it is, only {@code %} and the bytes
 * outside 0x20–0x7E percent-encoded. The Vert.x server form-encodes the whole message instead ({@code :} becomes
 * {@code %3A}, {@code /} {@code %2F}), which a client that decodes by the spec shows as is (grpc-js:
 * {@code invalid argument%3A key%3A …}). So the message goes out as the {@code grpc-message} trailer, spec-encoded,
 * and the status the transport sees carries none. The outermost interceptor (Quarkus orders global interceptors by
 * {@link Prioritized}, the highest outermost, nearest the transport): every inner one (the denial audit) still sees
 * the message.
 */
@ApplicationScoped
@GlobalInterceptor
public class StatusMessages implements ServerInterceptor, Prioritized {
    static final Metadata.Key<String> MESSAGE = Metadata.Key.of("grpc-message", Metadata.ASCII_STRING_MARSHALLER);

    /** grpc-java's own server encodes by the spec and drops a grpc-message the application puts in the trailers. */
    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "quarkus.grpc.server.use-separate-server",
            defaultValue = "true")
    boolean separateServer;

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (separateServer) return next.startCall(call, headers);
        return next.startCall(
                new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        String message = status.getDescription();
                        if (message != null && !message.isEmpty()) {
                            trailers.removeAll(MESSAGE);
                            trailers.put(MESSAGE, encode(message));
                            status = status.withDescription(null);
                        }
                        super.close(status, trailers);
                    }
                },
                headers);
    }

    /** The spec's Percent-Encoded: UTF-8 bytes, each outside 0x20–0x7E, and '%', as %XX. */
    static String encode(String message) {
        StringBuilder b = new StringBuilder(message.length());
        for (byte x : message.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                b.append((char) c);
            } else {
                b.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
