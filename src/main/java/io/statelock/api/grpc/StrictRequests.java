package io.statelock.api.grpc;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Requests that cannot be read answer {@code INVALID_ARGUMENT} with a reason, never the transport's
 * {@code INTERNAL} ("Half-closed without a request", "Too many requests") or a call left hanging:
 * each method receives raw bytes and parses them itself, so a corrupted or truncated message, a
 * unary call with no or two messages, and an unsupported {@code grpc-encoding} are answered here.
 */
final class StrictRequests {
    private static final Metadata.Key<String> ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> ENCODINGS = Set.of("identity", "gzip");

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private StrictRequests() {
    }

    /** The same service, every method parsing its own requests. */
    static ServerServiceDefinition of(ServerServiceDefinition service) {
        java.util.List<ServerMethodDefinition<byte[], ?>> methods = new java.util.ArrayList<>();
        service.getMethods().forEach(m -> methods.add(wrap(m)));
        // The same service description (reflection reads its schema), naming the raw-request methods.
        io.grpc.ServiceDescriptor.Builder descriptor = io.grpc.ServiceDescriptor
                .newBuilder(service.getServiceDescriptor().getName())
                .setSchemaDescriptor(service.getServiceDescriptor().getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<byte[], R> wrap(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> original = definition.getMethodDescriptor();
        MethodDescriptor<byte[], R> raw = original.toBuilder(BYTES, original.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(raw, (call, headers) -> start(original, handler, call, headers));
    }

    private static <Q, R> ServerCall.Listener<byte[]> start(MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> handler,
                                                          ServerCall<byte[], R> call, Metadata headers) {
        String encoding = headers.get(ENCODING);
        if (encoding != null && !ENCODINGS.contains(encoding)) {
            call.close(Status.UNIMPLEMENTED.withDescription("grpc-encoding " + encoding
                    + " is not supported; send identity or gzip"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        ServerCall.Listener<Q> listener = handler.startCall(new Typed<>(call, method), headers);
        return new Parsing<>(method, call, listener);
    }

    /** Parses each message; the first that cannot be parsed ends the call. */
    private static final class Parsing<Q, R> extends ServerCall.Listener<byte[]> {
        private final MethodDescriptor<Q, R> method;
        private final ServerCall<byte[], R> call;
        private final ServerCall.Listener<Q> delegate;
        private final boolean oneRequest;
        // gRPC delivers a call's listener events one at a time: no lock needed.
        private int received;
        private boolean failed;

        Parsing(MethodDescriptor<Q, R> method, ServerCall<byte[], R> call, ServerCall.Listener<Q> delegate) {
            this.method = method;
            this.call = call;
            this.delegate = delegate;
            this.oneRequest = method.getType().clientSendsOneMessage();
        }

        @Override
        public void onMessage(byte[] message) {
            if (failed) return;
            if (oneRequest && ++received > 1) {
                fail(method.getBareMethodName() + " takes exactly one request message; a second one arrived");
                return;
            }
            Q request;
            try {
                request = method.parseRequest(new ByteArrayInputStream(message));
            } catch (RuntimeException e) {
                Status cause = Status.fromThrowable(e);
                fail("the request is not a valid " + typeName() + " message ("
                        + (cause.getDescription() != null ? cause.getDescription() : e.getClass().getSimpleName())
                        + (cause.getCause() != null ? ": " + cause.getCause().getMessage() : "") + ")");
                return;
            }
            delegate.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (failed) return;
            if (oneRequest && received == 0) {
                fail(method.getBareMethodName() + " ended without a request message (empty, truncated or undecodable gRPC frame)");
                return;
            }
            delegate.onHalfClose();
        }

        @Override
        public void onCancel() {
            delegate.onCancel();
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }

        @Override
        public void onReady() {
            if (!failed) delegate.onReady();
        }

        private void fail(String why) {
            failed = true;
            call.close(Status.INVALID_ARGUMENT.withDescription(why), new Metadata());
        }

        private String typeName() {
            if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                    && proto.getMessagePrototype() != null) {
                return proto.getMessagePrototype().getClass().getSimpleName();
            }
            return method.getBareMethodName() + " request";
        }
    }

    /** The call as the service's handler sees it: typed requests, everything else the transport's. */
    private static final class Typed<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<byte[], R> call;
        private final MethodDescriptor<Q, R> method;

        Typed(ServerCall<byte[], R> call, MethodDescriptor<Q, R> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            call.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            call.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return method;
        }
    }
}
