package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statelock.client.AcquireOptions;
import io.statelock.client.Lease;
import io.statelock.client.LeaseGrant;
import io.statelock.client.LeaseLostException;
import io.statelock.client.LeaseRef;
import io.statelock.client.StateNotFoundException;
import io.statelock.client.StateSnapshot;
import io.statelock.client.StateStream;
import io.statelock.client.StateVersion;
import io.statelock.client.StatelockClient;
import io.statelock.client.WriteOutcomeUnknownException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The client library's state calls against the real packaged service: fenced writes, reads, and their errors. */
class StateClientIT extends PackagedServiceFixture {
    static String key(String name) {
        return "it/state/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static AcquireOptions opts() {
        return AcquireOptions.builder()
                .ttl(Duration.ofSeconds(30))
                .owner("ci@runner-3")
                .build();
    }

    @Test
    void writesUnderTheLeaseAndReadsBackWithTheWritersFence() {
        String key = key("roundtrip");
        byte[] big = new byte[(1 << 20) * 2 + 12345]; // three chunks
        new Random(7).nextBytes(big);
        try (Lease lease = client.locks().acquire(key, opts())) {
            StateVersion first = client.state().put(lease, "v1".getBytes(StandardCharsets.UTF_8));
            assertEquals(lease.fencingToken(), first.fencingToken());
            StateVersion second = client.state().put(lease, big);
            assertTrue(Long.parseLong(second.version()) > Long.parseLong(first.version()), "versions go up");
            assertEquals(big.length, second.size());
            assertEquals("ci@runner-3", second.writtenBy());
        }
        StateSnapshot read = client.state().getBytes(key);
        assertArrayEquals(big, read.bytes());
        assertEquals(big.length, read.version().size());
        assertNotNull(read.version().writtenAt());
    }

    /** 64 MiB made on the fly: streamed up and down a chunk at a time, never one array on the client. */
    @Test
    void streamsALargeStateUpAndDown() throws Exception {
        String key = key("large");
        long size = 64L << 20;
        String sha256 = sha256(new Generated(size, 11));
        // A whole transfer must end within the call timeout: generous, for a loaded 2-core CI machine.
        try (StatelockClient large = StatelockClient.builder()
                .target(service.addr())
                .plaintext()
                .callTimeout(Duration.ofSeconds(120))
                .build()) {
            StateVersion written;
            try (Lease lease = large.locks().acquire(key, opts())) {
                written = large.state().put(lease, new Generated(size, 11));
            }
            assertEquals(size, written.size());
            assertEquals(sha256, written.sha256(), "the service stored what was generated");

            try (StateStream in = large.state().get(key)) {
                assertEquals(written.version(), in.version().version(), "the version is known before the bytes");
                assertEquals(size, in.version().size());
                assertSameBytes(new Generated(size, 11), in);
            }
            DigestOutputStream out =
                    new DigestOutputStream(OutputStream.nullOutputStream(), MessageDigest.getInstance("SHA-256"));
            StateVersion copied = large.state().get(key, out);
            assertEquals(written.version(), copied.version());
            assertEquals(sha256, HexFormat.of().formatHex(out.getMessageDigest().digest()));
        }
    }

    @Test
    void putsAFileAndGetsItIntoAFile() throws Exception {
        String key = key("file");
        Path dir = Files.createTempDirectory("statelock-state-it-");
        Path source = dir.resolve("terraform.tfstate");
        try (InputStream in = new Generated((3L << 20) + 77, 5)) {
            Files.copy(in, source);
        }
        Path target = dir.resolve("copy.tfstate");
        Files.writeString(target, "an older copy");
        try (Lease lease = client.locks().acquire(key, opts())) {
            assertEquals(Files.size(source), client.state().put(lease, source).size());
        }
        StateVersion read = client.state().get(key, target);
        assertEquals(-1L, Files.mismatch(source, target), "the target holds the state, replaced whole");
        assertEquals(Files.size(source), read.size());
        try (var left = Files.list(dir)) {
            assertEquals(2, left.count(), "no temporary file is left next to the target");
        }
        assertThrows(StateNotFoundException.class, () -> client.state().get(key("none"), target));
        assertEquals(-1L, Files.mismatch(source, target), "a failed read leaves the target alone");
    }

    @Test
    void noStateIsNotFound() {
        StateNotFoundException e =
                assertThrows(StateNotFoundException.class, () -> client.state().getBytes(key("none")));
        assertEquals("NOT_FOUND", e.code());
        assertThrows(
                StateNotFoundException.class,
                () -> client.state().get(key("none")).close());
    }

    @Test
    void aStaleFenceIsRefusedAsLeaseLostAndStoresNothing() {
        String key = key("stale");
        LeaseGrant old = client.locks().acquireDetached(key, opts());
        client.state().put(old, "old".getBytes(StandardCharsets.UTF_8));
        client.admin().forceRelease(key, "test: the old holder paused past its lease", 0);
        LeaseGrant current = client.locks().acquireDetached(key, opts());
        assertTrue(current.fencingToken() > old.fencingToken());
        client.state().put(current, "new".getBytes(StandardCharsets.UTF_8));

        LeaseLostException lost = assertThrows(
                LeaseLostException.class, () -> client.state().put(old, "stale".getBytes(StandardCharsets.UTF_8)));
        assertEquals("FAILED_PRECONDITION", lost.code());
        assertNotNull(lost.current(), "the service names the current holder");
        assertEquals(current.fencingToken(), lost.current().fencingToken());
        // The current lease id with an old fence is refused too.
        assertThrows(
                LeaseLostException.class,
                () -> client.state()
                        .put(
                                LeaseRef.of(key, current.leaseId(), old.fencingToken()),
                                "mixed".getBytes(StandardCharsets.UTF_8)));
        assertEquals("new", new String(client.state().getBytes(key).bytes(), StandardCharsets.UTF_8));
        client.locks().release(key, current.leaseId());
    }

    @Test
    void aWriteThatCannotBeAnsweredIsAnUnknownOutcomeNotARetry() throws Exception {
        try (StatelockService own = StatelockService.start();
                StatelockClient c = own.client()) {
            String key = key("unknown");
            LeaseGrant grant = c.locks().acquireDetached(key, opts());
            own.kill();
            WriteOutcomeUnknownException e = assertThrows(
                    WriteOutcomeUnknownException.class,
                    () -> c.state().put(grant, "x".getBytes(StandardCharsets.UTF_8)));
            assertNotEquals("FAILED_PRECONDITION", e.code());
        }
    }

    /**
     * A CI job killed while it uploads (the runner's process gone, kill -9): its lease still holds the key, yet the
     * half-sent state never becomes a version. Today's version stays current and readable.
     */
    @Test
    void aJobKilledMidUploadLeavesTheCurrentStateAsItWas() throws Exception {
        String key = key("killed");
        Process job = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KilledUploader.class.getName(),
                        service.addr(),
                        key)
                .redirectErrorStream(true)
                .start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(
                    new java.io.InputStreamReader(job.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); !"sending".equals(line); line = out.readLine()) {
                assertNotNull(line, "the job ended before it started its upload");
            }
            job.destroyForcibly();
            assertTrue(job.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            job.destroyForcibly();
        }
        // The service learns of the lost connection at once; give it a moment on a loaded machine.
        Thread.sleep(1_000);
        StateSnapshot read = client.state().getBytes(key);
        assertEquals("v1", new String(read.bytes(), StandardCharsets.UTF_8), "the version before the killed upload");
        assertEquals("1", read.version().version());
    }

    /** The killed job: writes v1, then a 64 MiB state it never finishes sending. */
    public static final class KilledUploader {
        public static void main(String[] args) throws Exception {
            try (StatelockClient c = StatelockClient.builder()
                    .target(args[0])
                    .plaintext()
                    .callTimeout(Duration.ofSeconds(120))
                    .build()) {
                LeaseGrant grant = c.locks().acquireDetached(args[1], opts());
                c.state().put(grant, "v1".getBytes(StandardCharsets.UTF_8));
                c.state().put(grant, new Generated(64L << 20, 5) {
                    private long sent;

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (sent > (3 << 20)) {
                            System.out.println("sending");
                            System.out.flush();
                            try {
                                Thread.sleep(600_000); // killed here, with 3 MiB of 64 sent
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        int n = super.read(b, off, len);
                        sent += Math.max(n, 0);
                        return n;
                    }
                });
            }
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream digested = new DigestInputStream(in, digest)) {
            digested.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void assertSameBytes(InputStream expected, InputStream actual) throws Exception {
        byte[] a = new byte[64 * 1024];
        byte[] b = new byte[64 * 1024];
        long offset = 0;
        while (true) {
            int n = expected.readNBytes(a, 0, a.length);
            int m = actual.readNBytes(b, 0, n == 0 ? 1 : n);
            assertEquals(n, m, "length differs at " + offset);
            if (n == 0) {
                return;
            }
            assertEquals(-1, Arrays.mismatch(a, 0, n, b, 0, n), "bytes differ after " + offset);
            offset += n;
        }
    }

    /** {@code size} pseudo-random bytes from {@code seed}, made as they are read (xorshift64). */
    static class Generated extends InputStream {
        private long left;
        private long x;

        Generated(long size, long seed) {
            this.left = size;
            this.x = seed * 0x9E3779B97F4A7C15L | 1;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                b[off + i] = (byte) x;
            }
            left -= n;
            return n;
        }
    }
}
