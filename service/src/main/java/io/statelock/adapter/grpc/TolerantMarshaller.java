package io.statelock.adapter.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Parses with the message's own marshaller; a failure becomes a marked empty message carrying the reason,
 * so the call is still delivered (the transport would drop a message it cannot parse and leave the call
 * hanging) and {@link RequestCardinality} ends it with INVALID_ARGUMENT.
 */
final class TolerantMarshaller<Q> implements MethodDescriptor.PrototypeMarshaller<Q> {
    /** The marker of an unparseable message: the highest field number, with a per-process secret no client can send. */
    private static final int MARK = (1 << 29) - 1;

    private static final String SECRET = secret();

    private final MethodDescriptor.PrototypeMarshaller<Q> proto;

    TolerantMarshaller(MethodDescriptor.PrototypeMarshaller<Q> proto) {
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
            String reason = (cause.getDescription() != null
                            ? cause.getDescription()
                            : e.getClass().getSimpleName())
                    + (cause.getCause() != null && cause.getCause().getMessage() != null
                            ? ": " + cause.getCause().getMessage()
                            : "");
            UnknownFieldSet mark = UnknownFieldSet.newBuilder()
                    .addField(
                            MARK,
                            UnknownFieldSet.Field.newBuilder()
                                    .addLengthDelimited(ByteString.copyFromUtf8(SECRET + reason))
                                    .build())
                    .build();
            return (Q) ((Message) proto.getMessagePrototype())
                    .toBuilder().setUnknownFields(mark).build();
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

    /** The parse failure a marked message carries, or null for a message that was read. */
    static String unreadable(Object message) {
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
