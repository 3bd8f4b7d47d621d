package io.statelock.adapter.grpc;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.statelock.audit.AuditTrail;
import io.statelock.security.Caller;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Supplier;

/** Audits calls refused at the edge (UNAUTHENTICATED, PERMISSION_DENIED), with the key the request named. */
final class DenialAudit {
    private DenialAudit() {}

    /** The remote address from the transport attributes (the Vert.x-based server sets them), or "". */
    static String peer(ServerCall<?, ?> call) {
        SocketAddress address =
                call.getAttributes() == null ? null : call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null
                    ? inet.getHostString()
                    : inet.getAddress().getHostAddress();
            return host + ":" + inet.getPort();
        }
        return address == null ? "" : address.toString();
    }

    static void record(
            AuditTrail audit, Caller caller, String peer, MethodDescriptor<?, ?> method, String key, Status status) {
        String reason = status.getDescription() == null ? "" : status.getDescription();
        // Only refusals are audited here; an answer of another kind is not a denial and its call is audited elsewhere.
        if (status.getCode() == Status.Code.PERMISSION_DENIED) {
            audit.permissionDenied(caller, peer, action(method), key, reason);
        } else if (status.getCode() == Status.Code.UNAUTHENTICATED) {
            audit.unauthenticated(caller, peer, action(method), key, reason);
        }
    }

    /** {@code statelock.v1.LockService/ForceRelease} -> {@code force-release}, like the operation labels. */
    static String action(MethodDescriptor<?, ?> method) {
        String name = method.getBareMethodName() == null ? method.getFullMethodName() : method.getBareMethodName();
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The request's {@code key} (or {@code prefix}) field, if the message has one. */
    static String keyOf(Object message) {
        if (!(message instanceof Message m)) return "";
        for (String name : new String[] {"key", "prefix"}) {
            Descriptors.FieldDescriptor field = m.getDescriptorForType().findFieldByName(name);
            // Only a string field counts; anything else named so is not a key.
            if (field != null && field.getJavaType() == Descriptors.FieldDescriptor.JavaType.STRING) {
                String value = (String) m.getField(field);
                if (!value.isEmpty()) return value;
            }
        }
        return "";
    }

    /** Remembers the request's key and audits the call if it closes with a denial. */
    static final class Watched<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final AuditTrail audit;
        private final Supplier<Caller> caller; // null inside when the token was refused or never verified
        private final String peer;
        private volatile String key = "";

        Watched(ServerCall<Q, R> call, AuditTrail audit, Supplier<Caller> caller, String peer) {
            super(call);
            this.audit = audit;
            this.caller = caller;
            this.peer = peer;
        }

        ServerCall.Listener<Q> listen(ServerCall.Listener<Q> listener) {
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onMessage(Q message) {
                    // The first message names the key (streams: the first renewal's key).
                    if (key.isEmpty()) key = keyOf(message);
                    super.onMessage(message);
                }
            };
        }

        @Override
        public void close(Status status, Metadata trailers) {
            Status.Code code = status.getCode();
            // Only refusals are audited here; the operations themselves are audited by the services.
            if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
                record(audit, caller.get(), peer, getMethodDescriptor(), key, status);
            }
            super.close(status, trailers);
        }
    }
}
