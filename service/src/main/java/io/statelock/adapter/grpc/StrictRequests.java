package io.statelock.adapter.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Requests that cannot be read answer {@code INVALID_ARGUMENT} with a reason, never the transport's
 * {@code INTERNAL} ("Half-closed without a request", "Too many requests") or a call left hanging
 * (the transport drops a message it cannot parse). A message that fails to parse is delivered as a
 * marked empty message, so interceptors still run; the handler then ends the call, as it does for a
 * unary call with no or two messages. An unsupported {@code grpc-encoding} is {@code UNIMPLEMENTED}.
 * <p>
 * The transport answers a message over the size limit with RESOURCE_EXHAUSTED itself, skips it and
 * goes on reading: without a check, the end of a PutState stream that lost a chunk that way would
 * still reach the service, which would store the truncated bytes. So a client stream's end is
 * delivered only while the call is still unanswered; otherwise the service sees a cancel.
 */
final class StrictRequests {
    private static final Metadata.Key<String> ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> ENCODINGS = Set.of("identity", "gzip");
    /** The marker of an unparseable message: the highest field number, with a per-process secret no client can send. */
    private static final int MARK = (1 << 29) - 1;
    private static final String SECRET = secret();

    private StrictRequests() {
    }

    /** The same service, every method refusing requests that cannot be read. */
    static ServerServiceDefinition of(ServerServiceDefinition service) {
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        service.getMethods().forEach(m -> methods.add(wrap(m)));
        // The same service description (reflection reads its schema), naming the wrapped methods.
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(service.getServiceDescriptor().getName())
                .setSchemaDescriptor(service.getServiceDescriptor().getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> wrap(ServerMethodDefinition<Q, R> definition) {
        MethodDescriptor<Q, R> original = definition.getMethodDescriptor();
        if (!(original.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto)
                || !(proto.getMessagePrototype() instanceof Message)) {
            return definition; // not protobuf: nothing to mark a bad message with
        }
        MethodDescriptor<Q, R> method = original.toBuilder(new Tolerant<>(proto), original.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(method, (call, headers) -> start(method, handler, call, headers));
    }

    private static <Q, R> ServerCall.Listener<Q> start(MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> handler,
                                                     ServerCall<Q, R> call, Metadata headers) {
        String encoding = headers.get(ENCODING);
        if (encoding != null && !ENCODINGS.contains(encoding)) {
            call.close(Status.UNIMPLEMENTED.withDescription("grpc-encoding " + encoding
                    + " is not supported; send identity or gzip"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        if (method.getType() == MethodDescriptor.MethodType.CLIENT_STREAMING) {
            Unanswered<Q, R> watched = new Unanswered<>(call);
            return new Checking<>(method, watched, handler.startCall(watched, headers));
        }
        return new Checking<>(method, call, handler.startCall(call, headers));
    }

    /**
     * A client-streaming call that can tell whether it was answered behind the service's back (the
     * transport's own RESOURCE_EXHAUSTED): its response headers are then already sent. The service
     * sends no headers of its own before its one answer, so sending them at the stream's end is safe.
     */
    private static final class Unanswered<Q, R> extends io.grpc.ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
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

    /** Parses with the message's own marshaller; a failure becomes a marked empty message carrying the reason. */
    private static final class Tolerant<Q> implements MethodDescriptor.PrototypeMarshaller<Q> {
        private final MethodDescriptor.PrototypeMarshaller<Q> proto;

        Tolerant(MethodDescriptor.PrototypeMarshaller<Q> proto) {
            this.proto = proto;
        }

        @Override
        public InputStream stream(Q value) {
            return proto.stream(value);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Q parse(InputStream stream) {
            try {
                return proto.parse(stream);
            } catch (RuntimeException e) {
                Status cause = Status.fromThrowable(e);
                String reason = (cause.getDescription() != null ? cause.getDescription() : e.getClass().getSimpleName())
                        + (cause.getCause() != null && cause.getCause().getMessage() != null ? ": " + cause.getCause().getMessage() : "");
                UnknownFieldSet mark = UnknownFieldSet.newBuilder().addField(MARK, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8(SECRET + reason)).build()).build();
                return (Q) ((Message) proto.getMessagePrototype()).toBuilder().setUnknownFields(mark).build();
            }
        }

        @Override
        public Q getMessagePrototype() {
            return proto.getMessagePrototype();
        }

        @Override
        public Class<Q> getMessageClass() {
            return proto.getMessageClass();
        }
    }

    /** Ends the call at the first unreadable message, and a unary-request call with no or a second message. */
    private static final class Checking<Q, R> extends ServerCall.Listener<Q> {
        private final MethodDescriptor<Q, R> method;
        private final ServerCall<Q, R> call;
        private final ServerCall.Listener<Q> delegate;
        private final boolean oneRequest;
        // gRPC delivers a call's listener events one at a time: no lock needed.
        private int received;
        private boolean failed;
        private boolean cancelled;

        Checking(MethodDescriptor<Q, R> method, ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
            this.method = method;
            this.call = call;
            this.delegate = delegate;
            this.oneRequest = method.getType().clientSendsOneMessage();
        }

        @Override
        public void onMessage(Q message) {
            if (failed) return;
            String unreadable = unreadable(message);
            if (unreadable != null) {
                fail("the request is not a valid " + ((Message) message).getDescriptorForType().getName()
                        + " message (" + unreadable + ")");
            } else if (oneRequest && ++received > 1) {
                fail(method.getBareMethodName() + " takes exactly one request message; a second one arrived");
            } else {
                delegate.onMessage(message);
            }
        }

        @Override
        public void onHalfClose() {
            if (failed) return;
            if (oneRequest && received == 0) {
                fail(method.getBareMethodName() + " ended without a request message (empty, truncated or undecodable gRPC frame)");
                return;
            }
            if (call instanceof Unanswered<Q, R> watched && !watched.stillOpen()) {
                // A message of this stream was refused by the transport: what arrived is incomplete.
                failed = true;
                cancelOnce();
                return;
            }
            delegate.onHalfClose();
        }

        @Override
        public void onCancel() {
            cancelOnce();
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
            cancelOnce(); // the service lets go of what it holds for the call (a PutState spool file)
        }

        private void cancelOnce() {
            if (cancelled) return;
            cancelled = true;
            delegate.onCancel();
        }
    }

    /** The parse failure a marked message carries, or null for a message that was read. */
    private static String unreadable(Object message) {
        if (!(message instanceof Message m) || !m.getUnknownFields().hasField(MARK)) return null;
        for (ByteString b : m.getUnknownFields().getField(MARK).getLengthDelimitedList()) {
            String text = b.toStringUtf8();
            if (text.startsWith(SECRET)) return text.substring(SECRET.length());
        }
        return null;
    }

    private static String secret() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b) + ":";
    }
}
