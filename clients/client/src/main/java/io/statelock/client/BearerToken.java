package io.statelock.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Adds {@code authorization: Bearer <token>} to every call, asking for the token per call. When
 * no token can be had, the call fails with UNAUTHENTICATED without reaching the service.
 */
final class BearerToken implements ClientInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final TokenProvider tokens;

    BearerToken(TokenProvider tokens) {
        this.tokens = tokens;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
            MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
        String t;
        try {
            t = tokens.token(options.getOption(ClientCore.UNDER_LEASE));
        } catch (TokenException e) {
            return new FailedCall<>(Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<RespT> listener, Metadata headers) {
                if (t != null) {
                    headers.put(AUTHORIZATION, "Bearer " + t);
                }
                super.start(listener, headers);
            }
        };
    }
}

/** A call that fails at start with {@code status}, sending nothing. */
final class FailedCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
    private final Status status;

    FailedCall(Status status) {
        this.status = status;
    }

    @Override
    public void start(Listener<RespT> listener, Metadata headers) {
        listener.onClose(status, new Metadata());
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void cancel(String message, Throwable cause) {}

    @Override
    public void halfClose() {}

    @Override
    public void sendMessage(ReqT message) {}
}
