package io.statelock.sweep;

import static io.grpc.Status.Code.CANCELLED;
import static io.grpc.Status.Code.FAILED_PRECONDITION;
import static io.grpc.Status.Code.RESOURCE_EXHAUSTED;
import static io.statelock.sweep.SweepCase.grpc;
import static io.statelock.sweep.SweepCase.invalid;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.proto.v1.StateVersion;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** PutState client streams in the wrong shape: no header, late or double headers, bad digests, oversized chunks. */
final class PutStreams {
    private static final int MIB = 1024 * 1024;

    private PutStreams() {}

    /** A well-formed stream (header, then the bytes in 1 MiB chunks). */
    static StateVersion put(SweepFixture f, PutStateHeader header, byte[] bytes) throws Exception {
        return f.stateClient().put(header, bytes);
    }

    /** Sends {@code messages} with flow control, stopping early once the server answered; then completes or cancels. */
    static StateVersion send(SweepFixture f, List<PutStateRequest> messages, boolean cancel) throws Exception {
        CompletableFuture<StateVersion> result = new CompletableFuture<>();
        var stub = StateServiceGrpc.newStub(f.channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        var call = (ClientCallStreamObserver<PutStateRequest>) stub.putState(new StreamObserver<>() {
            public void onNext(StateVersion v) {
                result.complete(v);
            }

            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            public void onCompleted() {}
        });
        for (PutStateRequest m : messages) {
            if (result.isDone()) break;
            while (!call.isReady() && !result.isDone()) Thread.sleep(1);
            call.onNext(m);
        }
        if (cancel) {
            call.cancel("the sweep's client gives up mid-stream", null);
        } else if (!result.isDone()) {
            call.onCompleted();
        }
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    static PutStateRequest header(PutStateHeader h) {
        return PutStateRequest.newBuilder().setHeader(h).build();
    }

    static PutStateRequest commit(long size) {
        return PutStateRequest.newBuilder()
                .setCommit(io.statelock.proto.v1.PutStateCommit.newBuilder().setSize(size))
                .build();
    }

    static PutStateRequest chunk(byte[] b) {
        return PutStateRequest.newBuilder().setChunk(ByteString.copyFrom(b)).build();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static List<SweepCase> all(SweepFixture f) throws Exception {
        String cat = "put-stream";
        List<SweepCase> cases = new ArrayList<>();
        PutStateHeader real = f.header(f.held, f.heldLease);
        byte[] next = SweepFixture.state(3, SweepFixture.LINEAGE);
        byte[] mib = new byte[MIB];
        List<PutStateRequest> hugeHeadless = new ArrayList<>();
        for (int i = 0; i < 32; i++) hugeHeadless.add(chunk(mib));

        cases.add(invalid(cat, "32 x 1 MiB chunks and no header", "header", () -> send(f, hugeHeadless, false)));
        cases.add(invalid(cat, "an empty stream", "header", () -> send(f, List.of(), false)));
        cases.add(invalid(
                cat,
                "a first message with neither header nor chunk",
                "header",
                () -> send(f, List.of(PutStateRequest.getDefaultInstance(), header(real), chunk(next)), false)));
        cases.add(invalid(
                cat, "the header after a chunk", "header", () -> send(f, List.of(chunk(next), header(real)), false)));
        cases.add(invalid(
                cat, "two headers", "header", () -> send(f, List.of(header(real), header(real), chunk(next)), false)));
        cases.add(invalid(
                cat,
                "a message with neither header nor chunk after the header",
                "chunk",
                () -> send(f, List.of(header(real), chunk(next), PutStateRequest.getDefaultInstance()), false)));
        cases.add(invalid(
                cat,
                "sha256 of other bytes",
                "sha256",
                () -> put(
                        f,
                        real.toBuilder().setSha256(sha256("other".getBytes())).build(),
                        next)));
        cases.add(invalid(
                cat,
                "more bytes than the sha256 covers",
                "sha256",
                () -> put(
                        f,
                        real.toBuilder().setSha256(sha256(next)).build(),
                        concat(next, "{\"extra\":1}".getBytes()))));
        cases.add(invalid(
                cat,
                "fewer bytes than the sha256 covers",
                "sha256",
                () -> put(
                        f,
                        real.toBuilder().setSha256(sha256(next)).build(),
                        java.util.Arrays.copyOf(next, next.length - 5))));
        cases.add(invalid(
                cat,
                "sha256 not hex",
                "sha256",
                () -> put(f, real.toBuilder().setSha256("xyz").build(), next)));
        cases.add(invalid(
                cat,
                "sha256 of 65 hex characters",
                "sha256",
                () -> put(f, real.toBuilder().setSha256(sha256(next) + "0").build(), next)));
        cases.add(invalid(
                cat,
                "sha256 with NUL",
                "sha256",
                () -> put(
                        f,
                        real.toBuilder()
                                .setSha256(sha256(next).substring(1) + "\u0000")
                                .build(),
                        next)));
        // The transport refuses the chunk itself and reads on: the stream's end must not store what came before.
        for (int i = 1; i <= 5; i++) {
            cases.add(grpc(
                            cat,
                            "header, then one chunk of 4 MiB + 1 byte (over the message limit), end #" + i,
                            RESOURCE_EXHAUSTED,
                            () -> send(f, List.of(header(real), chunk(new byte[4 * MIB + 1])), false))
                    .bare());
        }
        cases.add(grpc(
                        cat,
                        "header, 1 MiB, one chunk of 4 MiB + 1 byte, 1 MiB, end",
                        RESOURCE_EXHAUSTED,
                        () -> send(
                                f, List.of(header(real), chunk(mib), chunk(new byte[4 * MIB + 1]), chunk(mib)), false))
                .bare());
        // The sweep's statelock.state.max-size is 4 MiB: the stream is refused at the chunk that crosses it.
        cases.add(grpc(
                cat,
                "header, five 1 MiB chunks (over statelock.state.max-size), end",
                RESOURCE_EXHAUSTED,
                () -> send(
                        f, List.of(header(real), chunk(mib), chunk(mib), chunk(mib), chunk(mib), chunk(mib)), false)));
        cases.add(grpc(
                cat,
                "Terraform state with an older serial (real lease)",
                FAILED_PRECONDITION,
                () -> put(f, real, olderSerial())));
        cases.add(grpc(
                cat,
                "Terraform state of another lineage (real lease)",
                FAILED_PRECONDITION,
                () -> put(f, real, SweepFixture.state(9, "another-lineage"))));
        cases.add(invalid(
                cat,
                "header, the whole state, end without the commit",
                "commit",
                () -> send(f, List.of(header(real), chunk(next)), false)));
        cases.add(invalid(
                cat,
                "header, the whole state, a commit one byte short",
                "commit",
                () -> send(f, List.of(header(real), chunk(next), commit(next.length - 1)), false)));
        cases.add(invalid(
                cat,
                "header, the whole state, the commit, another chunk",
                "commit",
                () -> send(f, List.of(header(real), chunk(next), commit(next.length), chunk(next)), false)));
        cases.add(grpc(
                cat,
                "header, the whole state, the commit, then a cancel before the end (real lease)",
                CANCELLED,
                () -> send(f, List.of(header(real), chunk(next), commit(next.length)), true)));
        List<PutStateRequest> cut = List.of(header(real), chunk(mib), chunk(mib));
        cases.add(grpc(cat, "the client cancels after 2 MiB (real lease)", CANCELLED, () -> send(f, cut, true)));
        return cases;
    }

    /** Different bytes from every stored version, with a serial below the current one. */
    private static byte[] olderSerial() {
        return ("{\"version\":4,\"serial\":1,\"lineage\":\"" + SweepFixture.LINEAGE + "\",\"resources\":[{}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
