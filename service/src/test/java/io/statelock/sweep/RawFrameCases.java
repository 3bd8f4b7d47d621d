package io.statelock.sweep;

import io.grpc.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * gRPC framing broken on the HTTP/2 stream itself (what no gRPC library will send): a length prefix
 * that does not match the bytes, a compressed flag without an encoding, a cut-off prefix, two
 * messages to a unary method. Sent with a plain HTTP/2 (h2c) client; the answer's grpc-status is read.
 */
final class RawFrameCases implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;

    RawFrameCases(int port) {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port));
    }

    /** The 5-byte gRPC message prefix: compressed flag and a big-endian length. */
    static byte[] frame(int flag, long declaredLength, byte[] message) {
        ByteBuffer b = ByteBuffer.allocate(5 + message.length);
        b.put((byte) flag).putInt((int) declaredLength).put(message);
        return b.array();
    }

    /** POSTs {@code body} as a gRPC request; returns the grpc-status as a code name, or {@code HTTP nnn} without one. */
    SweepCase.Outcome send(String path, Map<String, String> headers, byte[] body) throws Exception {
        var answer = client.request(HttpMethod.POST, path)
                .compose(req -> {
                    req.putHeader("content-type", "application/grpc").putHeader("te", "trailers");
                    headers.forEach(req::putHeader);
                    // Streamed, without a Content-Length, as gRPC clients send (a length would meet the HTTP body limit
                    // first).
                    req.setChunked(true);
                    req.write(Buffer.buffer(body));
                    req.end();
                    return req.response()
                            .compose(resp -> resp.body().map(b -> {
                                String status = resp.getHeader("grpc-status") != null
                                        ? resp.getHeader("grpc-status")
                                        : resp.getTrailer("grpc-status");
                                String message = resp.getHeader("grpc-message") != null
                                        ? resp.getHeader("grpc-message")
                                        : resp.getTrailer("grpc-message");
                                if (status == null)
                                    return new SweepCase.Outcome("HTTP " + resp.statusCode(), b.toString(), List.of());
                                return new SweepCase.Outcome(
                                        Status.fromCodeValue(Integer.parseInt(status))
                                                .getCode()
                                                .name(),
                                        message == null
                                                ? ""
                                                : java.net.URLDecoder.decode(
                                                        message.replace("+", "%2B"),
                                                        java.nio.charset.StandardCharsets.UTF_8),
                                        List.of());
                            }));
                })
                .toCompletionStage()
                .toCompletableFuture();
        return answer.get(20, TimeUnit.SECONDS);
    }

    List<SweepCase> all(SweepFixture f) {
        String describe = "/statelock.v1.LockService/Describe";
        byte[] valid = io.statelock.proto.v1.DescribeRequest.newBuilder()
                .setKey(f.held)
                .build()
                .toByteArray();
        List<SweepCase> cases = new ArrayList<>();
        add(
                cases,
                "length prefix claims 100 bytes more than sent",
                "INVALID_ARGUMENT",
                describe,
                Map.of(),
                frame(0, valid.length + 100L, valid));
        // The message ends 3 bytes early (its key is cut); the 3 left over are half a prefix.
        add(
                cases,
                "length prefix claims 3 bytes fewer than sent",
                "INVALID_ARGUMENT",
                describe,
                Map.of(),
                frame(0, valid.length - 3L, valid));
        add(cases, "length prefix cut off after 3 bytes", "INVALID_ARGUMENT", describe, Map.of(), new byte[] {0, 0, 0});
        add(cases, "length prefix of 4 GiB", "RESOURCE_EXHAUSTED", describe, Map.of(), frame(0, 0xffffffffL, valid));
        add(
                cases,
                "compressed flag without grpc-encoding",
                "INVALID_ARGUMENT",
                describe,
                Map.of(),
                frame(1, valid.length, valid));
        add(
                cases,
                "compressed with an unsupported grpc-encoding",
                "UNIMPLEMENTED",
                describe,
                Map.of("grpc-encoding", "sweep-zip"),
                frame(1, valid.length, valid));
        // Bits 1-7 of the flag byte are reserved: a message that sets them is not one the spec defines.
        add(
                cases,
                "flag byte 7 (reserved bits set)",
                "INVALID_ARGUMENT",
                describe,
                Map.of(),
                frame(7, valid.length, valid));
        add(
                cases,
                "flag byte 0x80 (reserved bit set)",
                "INVALID_ARGUMENT",
                describe,
                Map.of(),
                frame(0x80, valid.length, valid));
        add(
                cases,
                "a whole message, then 3 stray bytes",
                "INVALID_ARGUMENT",
                describe,
                Map.of(),
                concat(frame(0, valid.length, valid), new byte[] {0, 0, 1}));
        add(
                cases,
                "a whole message, then a prefix announcing 10 bytes that never come",
                "INVALID_ARGUMENT",
                describe,
                Map.of(),
                concat(frame(0, valid.length, valid), frame(0, 10, new byte[0])));
        byte[] one = frame(0, valid.length, valid);
        byte[] two = new byte[one.length * 2];
        System.arraycopy(one, 0, two, 0, one.length);
        System.arraycopy(one, 0, two, one.length, one.length);
        add(cases, "two messages to a unary method", "INVALID_ARGUMENT", describe, Map.of(), two);
        add(cases, "no message at all to a unary method", "INVALID_ARGUMENT", describe, Map.of(), new byte[0]);
        // The whole stream is sent whatever the server answers: the transport refuses the big message itself,
        // reads on, and the end of the stream arrives after its answer. Nothing may be stored.
        byte[] header = io.statelock.proto.v1.PutStateRequest.newBuilder()
                .setHeader(f.header(f.held, f.heldLease))
                .build()
                .toByteArray();
        byte[] chunk = io.statelock.proto.v1.PutStateRequest.newBuilder()
                .setChunk(com.google.protobuf.ByteString.copyFromUtf8("{\"serial\":9}"))
                .build()
                .toByteArray();
        add(
                cases,
                "PutState: header (real lease), a 4 MiB + 1 message, a chunk, end of stream",
                "RESOURCE_EXHAUSTED",
                "/statelock.v1.StateService/PutState",
                Map.of(),
                concat(
                        frame(0, header.length, header),
                        frame(0, 4 * 1024 * 1024 + 1, new byte[4 * 1024 * 1024 + 1]),
                        frame(0, chunk.length, chunk)));
        // A stream cut inside a message, or ending in stray bytes, never carries its commit: nothing is stored,
        // whatever the transport makes of the broken framing.
        byte[] whole = io.statelock.proto.v1.PutStateRequest.newBuilder()
                .setChunk(com.google.protobuf.ByteString.copyFrom(SweepFixture.state(7, SweepFixture.LINEAGE)))
                .build()
                .toByteArray();
        byte[] commit = io.statelock.proto.v1.PutStateRequest.newBuilder()
                .setCommit(io.statelock.proto.v1.PutStateCommit.newBuilder()
                        .setSize(SweepFixture.state(7, SweepFixture.LINEAGE).length))
                .build()
                .toByteArray();
        String put = "/statelock.v1.StateService/PutState";
        add(
                cases,
                "PutState: header (real lease), END_STREAM 30 bytes into a chunk's frame",
                "INVALID_ARGUMENT",
                put,
                Map.of(),
                concat(frame(0, header.length, header), java.util.Arrays.copyOf(frame(0, whole.length, whole), 30)));
        add(
                cases,
                "PutState: header (real lease), a whole chunk, 3 stray bytes, END_STREAM",
                "INVALID_ARGUMENT",
                put,
                Map.of(),
                concat(frame(0, header.length, header), frame(0, whole.length, whole), new byte[] {0, 0, 1}));
        add(
                cases,
                "PutState: header (real lease), a whole chunk flagged 0x02, the commit",
                "INVALID_ARGUMENT",
                put,
                Map.of(),
                concat(
                        frame(0, header.length, header),
                        frame(2, whole.length, whole),
                        frame(0, commit.length, commit)));
        add(
                cases,
                "PutState: header (real lease), a chunk, the commit cut in its frame",
                "INVALID_ARGUMENT",
                put,
                Map.of(),
                concat(
                        frame(0, header.length, header),
                        frame(0, whole.length, whole),
                        java.util.Arrays.copyOf(frame(0, commit.length, commit), 6)));
        return cases;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private void add(
            List<SweepCase> cases,
            String name,
            String expected,
            String path,
            Map<String, String> headers,
            byte[] body) {
        SweepCase c = new SweepCase("grpc-framing", name, expected, null, false, () -> send(path, headers, body));
        cases.add(expected.equals("RESOURCE_EXHAUSTED") ? c.bare() : c);
    }

    @Override
    public void close() throws Exception {
        client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
