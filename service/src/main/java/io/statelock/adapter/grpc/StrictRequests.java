package io.statelock.adapter.grpc;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests that cannot be read answer {@code INVALID_ARGUMENT} with a reason, never the transport's
 * {@code INTERNAL} ("Half-closed without a request", "Too many requests") or a call left hanging
 * (the transport drops a message it cannot parse). A message that fails to parse is delivered as a
 * marked empty message ({@link TolerantMarshaller}), so interceptors still run; the handler then ends the
 * call, as it does for a unary call with no or two messages ({@link RequestCardinality}). An unsupported
 * {@code grpc-encoding} is {@code UNIMPLEMENTED} ({@link RequestEncodings}); a client stream the transport
 * truncated never reaches its end ({@link TruncatedStreams}).
 */
final class StrictRequests {
    private StrictRequests() {}

    /** The same service, every method refusing requests that cannot be read. */
    static ServerServiceDefinition of(ServerServiceDefinition service) {
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        service.getMethods().forEach(m -> methods.add(wrap(m)));
        // The same service description (reflection reads its schema), naming the wrapped methods.
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(
                        service.getServiceDescriptor().getName())
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
        MethodDescriptor<Q, R> method = original.toBuilder(
                        new TolerantMarshaller<>(proto), original.getResponseMarshaller())
                .build();
        ServerCallHandler<Q, R> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(method, (call, headers) -> start(method, handler, call, headers));
    }

    private static <Q, R> ServerCall.Listener<Q> start(
            MethodDescriptor<Q, R> method, ServerCallHandler<Q, R> handler, ServerCall<Q, R> call, Metadata headers) {
        if (RequestEncodings.refused(call, headers)) {
            return new ServerCall.Listener<>() {};
        }
        if (method.getType() == MethodDescriptor.MethodType.CLIENT_STREAMING) {
            ServerCall<Q, R> watched = TruncatedStreams.watch(call);
            return new RequestCardinality<>(method, watched, handler.startCall(watched, headers));
        }
        return new RequestCardinality<>(method, call, handler.startCall(call, headers));
    }
}
