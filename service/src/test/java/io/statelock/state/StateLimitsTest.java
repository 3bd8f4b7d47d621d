package io.statelock.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.adapter.blob.filesystem.FilesystemBlobStore;
import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.adapter.terraform.TerraformStateJson;
import io.statelock.common.LockKey;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.NewLease;
import io.statelock.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload spool's size limit and free-space margin, and the margin on the blob store's disk, on real files. */
class StateLimitsTest {
    static final long MIB = 1024 * 1024;
    static final byte[] ONE_MIB = new byte[(int) MIB];

    @TempDir
    Path dir;

    long files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void exactlyTheLimitIsAcceptedAndTheChunkThatCrossesItIsRefusedUnwritten() throws Exception {
        StateLimits limits = new StateLimits(3 * MIB, 0);
        try (Spool spool = Spool.upload(dir, limits, -1)) {
            for (int i = 0; i < 3; i++) spool.write(ONE_MIB, 0, ONE_MIB.length);

            assertThatThrownBy(() -> spool.write(new byte[1], 0, 1))
                    .isInstanceOf(StateTooLargeException.class)
                    .hasMessageContaining("statelock.state.max-size")
                    .hasMessageContaining("3145728 bytes");
            spool.finish();
            assertThat(spool.size()).isEqualTo(3 * MIB);
            assertThat(Files.size(spool.file())).isEqualTo(3 * MIB);
        }
        assertThat(files()).isZero();
    }

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedBeforeAnyFileExists() throws Exception {
        assertThatThrownBy(() -> Spool.upload(dir, new StateLimits(3 * MIB, 0), 3 * MIB + 1))
                .isInstanceOf(StateTooLargeException.class);
        assertThat(files()).isZero();
    }

    @Test
    void freeSpaceIsCheckedBeforeTheFirstByteAndAgainAsTheSpoolGrows() throws Exception {
        long margin = 100 * MIB;
        AtomicLong free = new AtomicLong(margin + 3 * MIB);
        StateLimits limits = new StateLimits(Long.MAX_VALUE, margin, d -> free.get());

        // 3 MiB above the margin is less than the first 4 MiB a write is given room for.
        assertThatThrownBy(() -> Spool.upload(dir, limits, -1))
                .isInstanceOf(InsufficientStorageException.class)
                .hasMessageContaining("statelock.state.min-free-space")
                .hasMessageContaining("nothing stored");
        // A declared size is checked whole.
        free.set(margin + 50 * MIB);
        assertThatThrownBy(() -> Spool.upload(dir, limits, 60 * MIB)).isInstanceOf(InsufficientStorageException.class);
        assertThat(files()).isZero();

        try (Spool spool = Spool.upload(dir, limits, -1)) {
            for (int i = 0; i < 4; i++) spool.write(ONE_MIB, 0, ONE_MIB.length); // within the room checked at start
            free.set(margin + 4 * MIB); // someone else filled the disk meanwhile
            assertThatThrownBy(() -> spool.write(ONE_MIB, 0, ONE_MIB.length))
                    .isInstanceOf(InsufficientStorageException.class);
            assertThat(spool.size()).isEqualTo(4 * MIB);
        }
        assertThat(files()).isZero();
    }

    @Test
    void uploadsUnderWayTogetherCannotTakeTheDiskBelowTheMarginThatEachFitsAlone() throws Exception {
        long margin = 100 * MIB;
        // The disk as statvfs sees it while nothing has been written yet: room for one 60 MiB state, not two.
        StateLimits limits = new StateLimits(Long.MAX_VALUE, margin, d -> margin + 100 * MIB);

        Spool first = Spool.upload(dir, limits, 60 * MIB);
        assertThatThrownBy(() -> Spool.upload(dir, limits, 60 * MIB))
                .isInstanceOf(InsufficientStorageException.class)
                .hasMessageContaining("statelock.state.min-free-space");
        // A chunked upload's first room (4 MiB) still fits beside the first one's promise.
        try (Spool chunked = Spool.upload(dir, limits, -1)) {
            assertThat(chunked.size()).isZero();
        }
        first.close(); // the first upload ends (stored or refused): its promise is given back
        try (Spool second = Spool.upload(dir, limits, 60 * MIB)) {
            assertThat(second.file()).exists();
        }
        assertThat(files()).isZero();
    }

    @Test
    void theMessageNamesNoPath() {
        AtomicLong free = new AtomicLong(0);
        assertThatThrownBy(() -> Spool.upload(dir, new StateLimits(Long.MAX_VALUE, MIB, d -> free.get()), -1))
                .isInstanceOf(InsufficientStorageException.class)
                .hasMessageContaining("spool directory's disk")
                .hasMessageNotContaining(dir.toString());
    }

    @Test
    void aWriteThatWouldTakeTheBlobStoresDiskBelowTheMarginStoresNothing() throws Exception {
        LockKey key = new LockKey("prod/net/terraform.tfstate");
        FencingTokens fences = new FencingTokens(0);
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        FilesystemBlobStore blobs = new FilesystemBlobStore(dir.resolve("state"));
        // The margin is more than the state directory's disk has: only a write of nothing could keep it.
        long margin = blobs.usableSpace().orElseThrow() + 1024 * MIB;
        try (SqliteLockTable table = new SqliteLockTable(dir.resolve("db"))) {
            StateCoordinator states = new StateCoordinator(
                    table,
                    blobs,
                    new TerraformStateJson(),
                    fences,
                    clock,
                    new StateSettings(3, dir.resolve("spool"), 3_600_000, new StateLimits(Long.MAX_VALUE, margin)));
            LockRecord r = ((AcquireResult.Granted) table.acquire(
                            new NewLease(key, "a", "ci", LockInfo.EMPTY, clock.millis(), 30_000, ""),
                            clock.millis() - 1_000))
                    .record();
            try (Spool spool =
                    Spool.create(dir.resolve("spool"))) { // spooled without limits: only the blob disk is judged
                spool.write(ONE_MIB, 0, ONE_MIB.length);
                assertThatThrownBy(
                                () -> states.put(new PutCommand(key, "a", fences.token(r.fenceCounter()), ""), spool))
                        .isInstanceOf(InsufficientStorageException.class)
                        .hasMessageContaining("state directory's disk");
            }
            assertThat(blobs.list("")).isEmpty();
            assertThat(states.versions(key, 0, "").versions()).isEmpty();
        }
    }
}
