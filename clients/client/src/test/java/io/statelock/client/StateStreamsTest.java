package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.GetStateResponse;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state streams' own rules against a scripted in-process StateService. */
class StateStreamsTest {
    private static final int CHUNK = StateUpload.CHUNK;
    private static final LeaseRef LEASE = LeaseRef.of("k", "lease-1", 42);

    @TempDir
    Path dir;

    private FakeStateService service;
    private Server server;
    private GrpcStatelockClient client;

    @BeforeEach
    void start() throws Exception {
        service = new FakeStateService();
        String name = InProcessServerBuilder.generateName();
        server =
                InProcessServerBuilder.forName(name).addService(service).build().start();
        client = new GrpcStatelockClient(
                InProcessChannelBuilder.forName(name).build(),
                true,
                Duration.ofSeconds(20),
                Duration.ofSeconds(3),
                System::nanoTime);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aStreamIsReadOnlyAsFastAsTheServiceTakesIt() {
        AtomicLong read = new AtomicLong();
        service.slowChunks = true;
        service.sourceRead = read;
        StateVersion v = client.state().put(LEASE, new Source(24L * CHUNK, read, -1));
        assertEquals(24L * CHUNK, v.size());
        assertTrue(
                service.maxAhead.get() <= 4L * CHUNK,
                "the client read at most a few chunks ahead of the service: " + service.maxAhead.get() / CHUNK);
        assertEquals("", service.headerSha256, "a stream read once cannot send its digest ahead");
        assertEquals(24L * CHUNK, service.commit.getSize(), "the commit names every byte sent");
        assertEquals(v.sha256(), service.commit.getSha256(), "and their digest, known once they are sent");
    }

    @Test
    void bytesAndFilesSendTheirDigestAhead() throws Exception {
        byte[] bytes = random(CHUNK + 5);
        client.state().put(LEASE, bytes);
        assertEquals(Sha256.hex(bytes), service.headerSha256);
        Path file = dir.resolve("state");
        Files.write(file, random(3 * CHUNK));
        client.state().put(LEASE, file);
        assertEquals(Sha256.hex(Files.readAllBytes(file)), service.headerSha256);
        assertArrayEquals(Files.readAllBytes(file), service.stored);
    }

    @Test
    void aSourceThatFailsCancelsTheCallSoNothingIsStored() throws Exception {
        StatelockException e = assertThrows(
                StatelockException.class,
                () -> client.state().put(LEASE, new Source(10L * CHUNK, new AtomicLong(), 3L * CHUNK)));
        assertEquals("CLIENT", e.code());
        assertTrue(e.getMessage().contains("nothing was stored"), e.getMessage());
        assertFalse(e instanceof WriteOutcomeUnknownException);
        awaitTrue(() -> service.putsCancelled.get() == 1);
        assertEquals(0, service.putsCompleted.get(), "the service never saw the end of the stream");
    }

    @Test
    void aStoredDigestThatDiffersFromWhatWasSentIsDataLoss() {
        service.answerSha256 = "00".repeat(32);
        StatelockException e = assertThrows(
                StatelockException.class, () -> client.state().put(LEASE, new Source(CHUNK + 1, new AtomicLong(), -1)));
        assertEquals("DATA_LOSS", e.code());
    }

    @Test
    void readsCheckTheDigestAndAFileTargetIsNeverLeftHalfWritten() throws Exception {
        service.state = random(2 * CHUNK + 9);
        service.headerSha256Override = "11".repeat(32);
        try (StateStream in = client.state().get("k")) {
            IOException e = assertThrows(IOException.class, () -> in.transferTo(OutputStream0.INSTANCE));
            assertTrue(e.getMessage().contains("do not use these bytes"), e.getMessage());
            // A caller that catches and reads on gets the failure again, never a clean end of the stream.
            assertThrows(IOException.class, in::read);
            assertThrows(IOException.class, () -> in.read(new byte[8]));
        }
        assertEquals(
                "DATA_LOSS",
                assertThrows(StatelockException.class, () -> client.state().get("k", new ByteArrayOutputStream()))
                        .code());
        Path target = dir.resolve("copy.tfstate");
        Files.writeString(target, "previous");
        assertThrows(StatelockException.class, () -> client.state().get("k", target));
        assertEquals("previous", Files.readString(target));
        assertEquals(List.of(target), listDir(), "no temporary file left");
    }

    @Test
    void aReadIsRetriedOnlyWhileNothingWasHandedOn() throws Exception {
        service.state = random(3 * CHUNK);
        service.failAfterOneChunk.set(1);
        assertArrayEquals(service.state, client.state().getBytes("k").bytes(), "started over, whole");
        assertEquals(2, service.gets.get());

        Path target = dir.resolve("copy");
        service.failAfterOneChunk.set(1);
        client.state().get("k", target);
        assertArrayEquals(service.state, Files.readAllBytes(target), "the file started over too");

        service.failAfterOneChunk.set(1);
        service.gets.set(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StatelockUnavailableException e = assertThrows(
                StatelockUnavailableException.class, () -> client.state().get("k", out));
        assertTrue(e.getMessage().contains("after part of it was written"), e.getMessage());
        assertEquals(1, service.gets.get(), "not retried into an output that has part of the state");
        assertEquals(CHUNK, out.size());
    }

    @Test
    void aStreamClosedEarlyCancelsTheCall() throws Exception {
        service.state = random(8 * CHUNK);
        try (StateStream in = client.state().get("k")) {
            assertEquals(8L * CHUNK, in.version().size());
            assertEquals(10, in.readNBytes(10).length);
        }
        awaitTrue(() -> service.getsCancelled.get() == 1);
    }

    private List<Path> listDir() throws IOException {
        try (var files = Files.list(dir)) {
            return files.toList();
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }

    /** Discards what it is given. */
    private static final class OutputStream0 extends java.io.OutputStream {
        static final OutputStream0 INSTANCE = new OutputStream0();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }

    /** {@code size} bytes made as read, counting how far it was read; fails at {@code failAt} (if >= 0). */
    private static final class Source extends InputStream {
        private final long size;
        private final AtomicLong read;
        private final long failAt;

        Source(long size, AtomicLong read, long failAt) {
            this.size = size;
            this.read = read;
            this.failAt = failAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long at = read.get();
            if (failAt >= 0 && at >= failAt) {
                throw new IOException("disk gone");
            }
            if (at >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - at);
            Arrays.fill(b, off, off + n, (byte) at);
            read.addAndGet(n);
            return n;
        }
    }

    /** A StateService that stores one state in memory and can be told to misbehave. */
    static final class FakeStateService extends StateServiceGrpc.StateServiceImplBase {
        volatile byte[] state = new byte[0];
        volatile byte[] stored;
        volatile String headerSha256;
        volatile String answerSha256;
        volatile String headerSha256Override;
        volatile io.statelock.proto.v1.PutStateCommit commit;
        volatile boolean slowChunks;
        volatile AtomicLong sourceRead;
        final AtomicLong maxAhead = new AtomicLong();
        final AtomicInteger putsCompleted = new AtomicInteger();
        final AtomicInteger putsCancelled = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger getsCancelled = new AtomicInteger();
        final AtomicInteger failAfterOneChunk = new AtomicInteger();
        final List<String> errors = new CopyOnWriteArrayList<>();

        @Override
        public StreamObserver<PutStateRequest> putState(StreamObserver<io.statelock.proto.v1.StateVersion> out) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            return new StreamObserver<>() {
                @Override
                public void onNext(PutStateRequest r) {
                    if (r.hasHeader()) {
                        headerSha256 = r.getHeader().getSha256();
                        return;
                    }
                    if (r.hasCommit()) {
                        commit = r.getCommit();
                        return;
                    }
                    received.writeBytes(r.getChunk().toByteArray());
                    if (sourceRead != null) {
                        maxAhead.accumulateAndGet(sourceRead.get() - received.size(), Math::max);
                    }
                    if (slowChunks) {
                        sleep(20); // a slow disk: the client must wait, not read ahead
                    }
                }

                @Override
                public void onError(Throwable t) {
                    putsCancelled.incrementAndGet();
                }

                @Override
                public void onCompleted() {
                    putsCompleted.incrementAndGet();
                    if (commit == null || commit.getSize() != received.size()) {
                        // As the service: no commit naming what arrived, no version.
                        out.onError(Status.INVALID_ARGUMENT
                                .withDescription("commit: missing or wrong size")
                                .asRuntimeException());
                        return;
                    }
                    stored = received.toByteArray();
                    out.onNext(version(stored, answerSha256 != null ? answerSha256 : Sha256.hex(stored)));
                    out.onCompleted();
                }
            };
        }

        @Override
        public void getState(GetStateRequest request, StreamObserver<GetStateResponse> out) {
            gets.incrementAndGet();
            ServerCallStreamObserver<GetStateResponse> call = (ServerCallStreamObserver<GetStateResponse>) out;
            call.setOnCancelHandler(getsCancelled::incrementAndGet);
            byte[] s = state;
            String sha = headerSha256Override != null ? headerSha256Override : Sha256.hex(s);
            out.onNext(GetStateResponse.newBuilder().setHeader(version(s, sha)).build());
            for (int off = 0; off < s.length; off += CHUNK) {
                if (off > 0 && failAfterOneChunk.getAndDecrement() > 0) {
                    out.onError(Status.UNAVAILABLE
                            .withDescription("connection reset")
                            .asRuntimeException());
                    return;
                }
                while (!call.isReady() && !call.isCancelled()) {
                    sleep(1);
                }
                if (call.isCancelled()) {
                    return;
                }
                out.onNext(GetStateResponse.newBuilder()
                        .setChunk(ByteString.copyFrom(s, off, Math.min(CHUNK, s.length - off)))
                        .build());
            }
            out.onCompleted();
        }

        private static io.statelock.proto.v1.StateVersion version(byte[] s, String sha) {
            return io.statelock.proto.v1.StateVersion.newBuilder()
                    .setKey("k")
                    .setVersion("7")
                    .setSize(s.length)
                    .setSha256(sha)
                    .setFencingToken(42)
                    .setWrittenBy("test")
                    .build();
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
