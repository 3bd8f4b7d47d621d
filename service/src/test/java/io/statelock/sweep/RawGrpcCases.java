package io.statelock.sweep;

import static io.grpc.Status.Code.INVALID_ARGUMENT;
import static io.grpc.Status.Code.RESOURCE_EXHAUSTED;
import static io.grpc.Status.Code.UNIMPLEMENTED;
import static io.statelock.sweep.SweepCase.grpc;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.ClientCalls;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.StateServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Corrupted protobuf messages sent as raw bytes to every method (a grpc-java channel with a
 * pass-through marshaller), unknown methods, and broken gRPC framing on the HTTP/2 stream itself.
 */
final class RawGrpcCases {
    /** Bytes in, bytes out: whatever the sweep wants on the wire. */
    static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
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

    private RawGrpcCases() {}

    static Object call(SweepFixture f, String fullMethodName, byte[] body) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(RAW)
                .setResponseMarshaller(RAW)
                .build();
        return ClientCalls.blockingUnaryCall(
                f.channel, method, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), body);
    }

    /** Protobuf bytes no message of the API can be parsed from. */
    static Map<String, byte[]> corrupt() {
        Map<String, byte[]> p = new LinkedHashMap<>();
        p.put("garbage 0xff bytes", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        p.put("field 1 claims 100 bytes, 3 follow", new byte[] {0x0a, 100, 'a', 'b', 'c'});
        p.put("invalid UTF-8 in field 1", new byte[] {0x0a, 2, (byte) 0xc3, 0x28});
        p.put("an 11-byte varint", new byte[] {0x10, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01});
        p.put("field number 0", new byte[] {0x00, 0x01});
        p.put("a group that never ends", new byte[] {0x0b, 0x10, 0x01});
        p.put("wire type 7", new byte[] {0x0f, 0x01});
        return p;
    }

    static List<SweepCase> all(SweepFixture f) {
        List<SweepCase> cases = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        for (ServiceDescriptor service :
                List.of(LockServiceGrpc.getServiceDescriptor(), StateServiceGrpc.getServiceDescriptor())) {
            service.getMethods().forEach(m -> methods.add(m.getFullMethodName()));
        }
        for (String method : methods) {
            corrupt()
                    .forEach((name, bytes) -> cases.add(grpc(
                            "protobuf", method + " with " + name, INVALID_ARGUMENT, () -> call(f, method, bytes))));
        }
        byte[] huge = new byte[5 * 1024 * 1024];
        huge[0] = 0x0a; // field 1, then a length that does not matter: the size is refused first
        for (String method : List.of("statelock.v1.LockService/Describe", "statelock.v1.StateService/PutState")) {
            cases.add(grpc(
                            "protobuf",
                            method + " with a 5 MiB message (limit 4 MiB)",
                            RESOURCE_EXHAUSTED,
                            () -> call(f, method, huge))
                    .bare());
        }
        Map<String, String> unknown = new LinkedHashMap<>();
        unknown.put("an unknown method", "statelock.v1.LockService/Steal");
        unknown.put("an unknown service", "statelock.v1.AdminService/Describe");
        unknown.put("a method of another package", "statelock.v2.LockService/Acquire");
        unknown.put("a lower-case method name", "statelock.v1.LockService/acquire");
        unknown.forEach((name, method) -> cases.add(
                grpc("protobuf", name + " (" + method + ")", UNIMPLEMENTED, () -> call(f, method, new byte[0]))));
        return cases;
    }
}
