package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.StateVersion;
import io.statelock.testing.ServiceProcess;
import io.statelock.testing.StateClient;
import io.statelock.testing.TerraformHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB state round-trips through the packaged service running with a 128 MiB heap: it can only
 * pass if the state streams (spooled to disk) instead of being held in memory whole.
 */
class LargeStateIT {
    static final long SIZE = 256L * 1024 * 1024;
    static final List<String> SMALL_HEAP = List.of("-Xmx128m");

    @TempDir
    Path dir;

    /** Deterministic pseudo-random bytes, generated as they are read: the test holds one buffer at a time. */
    static InputStream generated(long size, long seed) {
        return new InputStream() {
            final Random random = new Random(seed);
            final byte[] block = new byte[64 * 1024];
            long left = size;
            int pos = block.length;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) return -1;
                if (pos == block.length) {
                    random.nextBytes(block);
                    pos = 0;
                }
                int n = (int) Math.min(Math.min(len, block.length - pos), left);
                System.arraycopy(block, pos, b, off, n);
                pos += n;
                left -= n;
                return n;
            }
        };
    }

    /**
     * A Terraform state document of exactly {@code size} bytes, generated as it is read: a JSON object
     * whose bulk is one string of pseudo-random hex digits (the HTTP backend accepts only state JSON).
     */
    static InputStream generatedState(long size, long seed) {
        byte[] head = "{\"version\":4,\"serial\":1,\"lineage\":\"large\",\"outputs\":{},\"resources\":[],\"padding\":\""
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = "\"}\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        InputStream hex = new InputStream() {
            final InputStream random = generated(size, seed);
            final byte[] digits = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final byte[] raw = new byte[32 * 1024];
            long left = size - head.length - tail.length;

            @Override
            public int read() throws java.io.IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (left == 0) return -1;
                int n = random.read(raw, 0, (int) Math.min(raw.length, Math.min(len, left))); // one hex digit per byte
                for (int i = 0; i < n; i++) b[off + i] = digits[raw[i] & 0xf];
                left -= n;
                return n;
            }
        };
        return new java.io.SequenceInputStream(java.util.Collections.enumeration(
                List.of(new java.io.ByteArrayInputStream(head), hex, new java.io.ByteArrayInputStream(tail))));
    }

    static String sha256Of(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) md.update(buffer, 0, n);
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void a256MiBStateRoundTripsOverTheTerraformHttpBackend() throws Exception {
        String expected = sha256Of(generatedState(SIZE, 7));
        try (ServiceProcess service = ServiceProcess.start(
                SMALL_HEAP,
                ServiceProcess.freePort(),
                dir.resolve("service.log"),
                "statelock.embedded.data-dir=" + dir.resolve("data"),
                "statelock.filesystem.dir=" + dir.resolve("state"),
                "statelock.state.spool-dir=" + dir.resolve("spool"))) {
            TerraformHttp tf =
                    new TerraformHttp(service.port(), "big/http.tfstate").withTimeout(java.time.Duration.ofMinutes(5));
            String id = java.util.UUID.randomUUID().toString();
            assertThat(tf.lock(TerraformHttp.lockInfo(id, "ci")).statusCode()).isEqualTo(200);

            long t0 = System.nanoTime();
            var post = tf.client()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(tf.address() + "?ID=" + id))
                                    .timeout(java.time.Duration.ofMinutes(5))
                                    .header("Content-Type", "application/json")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                                            () -> generatedState(SIZE, 7)))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            var get = tf.client()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(tf.address()))
                                    .timeout(java.time.Duration.ofMinutes(5))
                                    .GET()
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            String got = sha256Of(get.body());
            long t2 = System.nanoTime();

            System.out.printf(
                    "256 MiB over HTTP with -Xmx128m: POST %d ms, GET %d ms%n",
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
            assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(got).isEqualTo(expected);
        }
    }

    @Test
    void a256MiBStateRoundTripsOverGrpcWithItsDigest() throws Exception {
        String expected = sha256Of(generated(SIZE, 42));
        try (ServiceProcess service = ServiceProcess.start(
                SMALL_HEAP,
                ServiceProcess.freePort(),
                dir.resolve("service.log"),
                "statelock.embedded.data-dir=" + dir.resolve("data"),
                "statelock.filesystem.dir=" + dir.resolve("state"),
                "statelock.state.spool-dir=" + dir.resolve("spool"))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port())
                    .usePlaintext()
                    .build();
            try {
                String key = "big/terraform.tfstate";
                AcquireResponse lease = LockServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .acquire(AcquireRequest.newBuilder()
                                .setKey(key)
                                .setOwner("ci")
                                .setTtl(com.google.protobuf.Duration.newBuilder()
                                        .setSeconds(600))
                                .build());
                StateClient client = new StateClient(channel);

                long t0 = System.nanoTime();
                StateVersion put = client.put(
                        PutStateHeader.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .setFencingToken(lease.getFencingToken())
                                .setSha256(expected)
                                .build(),
                        generated(SIZE, 42));
                long t1 = System.nanoTime();
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                StateVersion got = client.get(key, "", new DigestOutputStream(OutputStream.nullOutputStream(), md));
                long t2 = System.nanoTime();

                System.out.printf(
                        "256 MiB over gRPC with -Xmx128m: put %d ms, get %d ms%n",
                        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
                assertThat(put.getSize()).isEqualTo(SIZE);
                assertThat(put.getSha256()).isEqualTo(expected);
                assertThat(got.getSha256()).isEqualTo(expected);
                assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(expected);
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
