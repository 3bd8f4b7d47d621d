package io.statelock.adapter.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.adapter.blob.filesystem.FilesystemBlobStore;
import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.adapter.terraform.TerraformStateJson;
import io.statelock.common.LockKey;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.LeaseLostException;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.NewLease;
import io.statelock.state.PutCommand;
import io.statelock.state.Spool;
import io.statelock.state.StateCoordinator;
import io.statelock.state.StateSettings;
import io.statelock.state.StateVersion;
import io.statelock.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety harness's deliberately broken replica, end to end through the state coordinator on the real embedded
 * store: a writer whose lease was lost and taken over is refused by the real store and accepted by the broken one.
 */
class FenceIgnoringStatePointersTest {
    static final LockKey KEY = new LockKey("harness/key-0");

    @TempDir
    Path dir;

    ManualClock clock = new ManualClock(System.currentTimeMillis());
    FencingTokens fences = new FencingTokens(0);
    SqliteLockTable table;
    StateCoordinator honest;
    StateCoordinator broken;

    @BeforeEach
    void open() {
        table = new SqliteLockTable(dir.resolve("db"));
        FilesystemBlobStore blobs = new FilesystemBlobStore(dir.resolve("state"));
        StateSettings settings = new StateSettings(3, dir.resolve("spool"), StateSettings.ONE_HOUR_MS);
        honest = new StateCoordinator(table, blobs, new TerraformStateJson(), fences, clock, settings);
        broken = new StateCoordinator(
                new FenceIgnoringStatePointers(table), blobs, new TerraformStateJson(), fences, clock, settings);
    }

    @AfterEach
    void close() {
        table.close();
    }

    LockRecord acquire(String lease, long ttlMs) {
        AcquireResult r = table.acquire(
                new NewLease(KEY, lease, "w-" + lease, LockInfo.EMPTY, clock.millis(), ttlMs, ""),
                clock.millis() - 1_000);
        return ((AcquireResult.Granted) r).record();
    }

    StateVersion put(StateCoordinator states, String lease, LockRecord r, String content) {
        PutCommand command = new PutCommand(KEY, lease, fences.token(r.fenceCounter()), "");
        states.checkWriter(command);
        try (Spool s = Spool.create(dir.resolve("spool"))) {
            byte[] b = content.getBytes(StandardCharsets.UTF_8);
            s.write(b, 0, b.length);
            return states.put(command, s);
        }
    }

    @Test
    void aPausedWriterIsRefusedByTheRealStoreAndAcceptedByTheBrokenOne() {
        LockRecord paused = acquire("old", 1_000);
        clock.advance(Duration.ofSeconds(5)); // the paused writer's lease ran out, another worker took the key
        LockRecord fresh = acquire("new", 30_000);
        put(honest, "new", fresh, "new-1");

        assertThatThrownBy(() -> put(honest, "old", paused, "old-1")).isInstanceOf(LeaseLostException.class);
        StateVersion stale = put(broken, "old", paused, "old-1");

        // The stale write is the current version, stamped with its own (stale) fence: what the harness's check 1 sees.
        assertThat(stale.version()).isEqualTo("2");
        assertThat(stale.fenceCounter()).isEqualTo(paused.fenceCounter()).isLessThan(fresh.fenceCounter());
        assertThat(table.stateHistory(KEY).current()).contains(stale);
        // The lease itself is untouched: the new holder still holds the key.
        assertThat(table.get(KEY).orElseThrow().leaseId()).isEqualTo("new");
    }

    @Test
    void anExpiredLeaseNobodyTookStillWrites() {
        LockRecord expired = acquire("old", 1_000);
        clock.advance(Duration.ofSeconds(5));

        assertThatThrownBy(() -> put(honest, "old", expired, "old-1")).isInstanceOf(LeaseLostException.class);
        assertThat(put(broken, "old", expired, "old-1").version()).isEqualTo("1");
    }

    @Test
    void aKeyWithNoLeaseHasNoneToBorrowAndIsRefused() {
        LockRecord released = acquire("old", 30_000);
        table.release(KEY, "old", LeaseOwner.ANYONE);

        assertThatThrownBy(() -> put(broken, "old", released, "old-1"))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("not held");
        assertThat(table.stateHistory(KEY).versions()).isEmpty();
    }
}
