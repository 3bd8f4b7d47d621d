package io.statelock.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.adapter.blob.filesystem.FilesystemBlobStore;
import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.adapter.terraform.TerraformStateJson;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.NewLease;
import io.statelock.state.port.BlobStore;
import io.statelock.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state use cases on the real embedded store and directory, with a controlled clock. */
class StateCoordinatorTest {
    static final long T0 = 1_800_000_000_000L;
    static final LockKey KEY = new LockKey("prod/net/terraform.tfstate");

    @TempDir
    Path dir;
    // Real time: the directory stamps objects with the real clock, and retention compares against ours.
    ManualClock clock = new ManualClock(System.currentTimeMillis());
    SqliteLockTable table;
    FilesystemBlobStore blobs;
    StateCoordinator states;
    FencingTokens fences = new FencingTokens(0);

    @BeforeEach
    void open() {
        table = new SqliteLockTable(dir.resolve("db"));
        blobs = new FilesystemBlobStore(dir.resolve("state"));
        states = new StateCoordinator(
                table,
                blobs,
                new TerraformStateJson(),
                fences,
                clock,
                new StateSettings(3, dir.resolve("spool"), 3_600_000));
    }

    @AfterEach
    void close() {
        table.close();
    }

    LockRecord acquire(String lease, long ttlMs) {
        AcquireResult r = table.acquire(
                new NewLease(KEY, lease, "ci-" + lease, LockInfo.EMPTY, clock.millis(), ttlMs, ""),
                clock.millis() - 1_000);
        return ((AcquireResult.Granted) r).record();
    }

    Spool spool(String content) {
        Spool s = Spool.create(dir.resolve("spool"));
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        s.write(b, 0, b.length);
        return s;
    }

    static String tf(long serial, String lineage) {
        return "{\"version\":4,\"terraform_version\":\"1.9.0\",\"serial\":" + serial + ",\"lineage\":\"" + lineage
                + "\",\"outputs\":{},\"resources\":[{\"a\":\"b\"}]}";
    }

    StateVersion put(String lease, LockRecord r, String content) {
        try (Spool s = spool(content)) {
            return states.put(new PutCommand(KEY, lease, fences.token(r.fenceCounter()), ""), s);
        }
    }

    String readCurrent() throws IOException {
        try (StateRead read = states.read(KEY, "")) {
            return Files.readString(read.bytes().file());
        }
    }

    @Test
    void aWriteByTheHolderBecomesTheCurrentVersionWithItsDigests() throws IOException {
        LockRecord r = acquire("a", 30_000);
        StateVersion v = put("a", r, tf(1, "L"));

        assertThat(v.version()).isEqualTo("1");
        assertThat(v.serial()).isEqualTo(1);
        assertThat(v.lineage()).isEqualTo("L");
        assertThat(v.writtenBy()).isEqualTo("ci-a");
        assertThat(v.sha256()).isEqualTo(sha256(tf(1, "L")));
        assertThat(v.blob()).startsWith(KEY.value() + "/~v/" + r.fenceCounter() + "-");
        assertThat(readCurrent()).isEqualTo(tf(1, "L"));
    }

    @Test
    void aLostLeaseCannotWriteAndThePointerDoesNotMove() throws IOException {
        LockRecord old = acquire("a", 1_000);
        put("a", old, tf(1, "L"));
        clock.advance(Duration.ofSeconds(5)); // a's lease expired (a GC pause, a partition)
        LockRecord fresh = acquire("b", 30_000);

        assertThatThrownBy(() -> put("a", old, tf(2, "L")))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("held by ci-b");
        assertThatThrownBy(() -> put("b", old, tf(2, "L"))).isInstanceOf(LeaseLostException.class);
        assertThat(readCurrent()).isEqualTo(tf(1, "L"));
        assertThat(put("b", fresh, tf(2, "L")).version()).isEqualTo("2");
    }

    @Test
    void anUploadWhosePointerWriteFailsIsGarbageNotHistory() throws IOException {
        LockRecord r = acquire("a", 1_000);
        put("a", r, tf(1, "L"));
        // The lease expires between the early check and the pointer write: simulated by a store whose
        // pointer write sees a later clock than the early check.
        StateCoordinator late = new StateCoordinator(
                new LateTable(table, clock),
                blobs,
                new TerraformStateJson(),
                fences,
                clock,
                new StateSettings(3, dir.resolve("spool"), 3_600_000));
        try (Spool s = spool(tf(2, "L"))) {
            assertThatThrownBy(() -> late.put(new PutCommand(KEY, "a", fences.token(r.fenceCounter()), ""), s))
                    .isInstanceOf(LeaseLostException.class);
        }
        assertThat(blobs.list("")).hasSize(2); // the orphan object is there ...
        assertThat(states.versions(KEY, 0, "").versions()).hasSize(1); // ... but it is not a version

        clock.advance(Duration.ofHours(2));
        assertThat(new StateRetention(table, blobs, clock, states.settings()).collect())
                .isEqualTo(1);
        assertThat(readCurrent()).isEqualTo(tf(1, "L"));
    }

    @Test
    void terraformSerialMayNotGoBackAndLineageMayNotChange() throws IOException {
        LockRecord r = acquire("a", 30_000);
        put("a", r, tf(5, "L"));

        assertThatThrownBy(() -> put("a", r, tf(4, "L")))
                .isInstanceOf(StateConflictException.class)
                .hasMessageContaining("serial 5")
                .hasMessageContaining("4");
        assertThatThrownBy(() -> put("a", r, tf(6, "OTHER")))
                .isInstanceOf(StateConflictException.class)
                .hasMessageContaining("lineage");
        assertThat(put("a", r, tf(5, "L") + " ").version()).isEqualTo("2"); // same serial, new bytes: fine
        assertThat(put("a", r, "not json at all").serial()).isEqualTo(-1); // non-Terraform bytes as they are
    }

    @Test
    void aRetriedIdenticalWriteReturnsTheCurrentVersion() {
        LockRecord r = acquire("a", 30_000);
        StateVersion first = put("a", r, tf(1, "L"));

        assertThat(put("a", r, tf(1, "L"))).isEqualTo(first);
        assertThat(states.versions(KEY, 0, "").versions()).hasSize(1);
    }

    @Test
    void aDigestMismatchStoresNothing() {
        LockRecord r = acquire("a", 30_000);
        try (Spool s = spool(tf(1, "L"))) {
            assertThatThrownBy(() -> states.put(new PutCommand(KEY, "a", r.fenceCounter(), "0".repeat(64)), s))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("sha256");
        }
        assertThat(blobs.list("")).isEmpty();
        assertThatThrownBy(() -> states.read(KEY, "")).isInstanceOf(StateNotFoundException.class);
    }

    @Test
    void corruptedBytesAreNeverServed() throws IOException {
        LockRecord r = acquire("a", 30_000);
        StateVersion v = put("a", r, tf(1, "L"));
        Files.writeString(dir.resolve("state").resolve(v.blob()), tf(1, "X"));

        assertThatThrownBy(() -> states.read(KEY, ""))
                .isInstanceOf(StateCorruptedException.class)
                .hasMessageContaining("digest");
        assertThat(Files.list(dir.resolve("spool"))).isEmpty(); // the bad bytes are not left around either
    }

    @Test
    void historyIsNewestFirstBoundedAndRollbackMakesAnOldVersionCurrent() throws IOException {
        LockRecord r = acquire("a", 30_000);
        for (int serial = 1; serial <= 4; serial++) put("a", r, tf(serial, "L"));

        StateCoordinator.VersionPage page = states.versions(KEY, 2, "");
        assertThat(page.versions()).extracting(StateVersion::version).containsExactly("4", "3");
        assertThat(states.versions(KEY, 2, page.nextPageToken()).versions())
                .extracting(StateVersion::version)
                .containsExactly("2"); // keep-versions is 3 here
        assertThat(states.rollback(KEY, "a", r.fenceCounter(), "2").version()).isEqualTo("5");
        assertThat(readCurrent()).isEqualTo(tf(2, "L"));
        assertThatThrownBy(() -> states.rollback(KEY, "a", r.fenceCounter(), "1"))
                .isInstanceOf(StateNotFoundException.class);
    }

    @Test
    void deleteIsATombstoneAndANewLineageMayFollowIt() throws IOException {
        LockRecord r = acquire("a", 30_000);
        put("a", r, tf(3, "L"));

        assertThat(states.delete(KEY, "a", r.fenceCounter()).tombstone()).isTrue();
        assertThatThrownBy(() -> states.read(KEY, "")).isInstanceOf(StateNotFoundException.class);
        try (StateRead old = states.read(KEY, "1")) {
            assertThat(Files.readString(old.bytes().file())).isEqualTo(tf(3, "L"));
        }
        assertThat(put("a", r, tf(1, "NEW")).version()).isEqualTo("3");
    }

    @Test
    void retentionKeepsNamedAndYoungObjects() {
        LockRecord r = acquire("a", 30_000);
        for (int serial = 1; serial <= 5; serial++) put("a", r, tf(serial, "L"));
        StateRetention retention = new StateRetention(table, blobs, clock, states.settings());

        assertThat(retention.collect()).isZero(); // two unnamed, but younger than an hour
        clock.advance(Duration.ofMinutes(61));
        assertThat(retention.collect()).isEqualTo(2);
        assertThat(blobs.list("")).hasSize(3);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unused")
    private static String readAll(BlobStore b, String name) throws IOException {
        try (InputStream in = b.open(name).orElseThrow()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
