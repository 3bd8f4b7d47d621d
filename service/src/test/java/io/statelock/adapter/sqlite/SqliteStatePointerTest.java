package io.statelock.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.adapter.harness.FenceIgnoringStatePointers;
import io.statelock.common.LockKey;
import io.statelock.lock.LockInfo;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.StatePointerContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state pointer contract on the embedded store. */
class SqliteStatePointerTest extends StatePointerContract {
    @TempDir
    Path dataDir;

    private SqliteLockTable table;

    @BeforeEach
    void open() {
        table = new SqliteLockTable(dataDir);
    }

    @AfterEach
    void close() {
        if (table != null) table.close();
    }

    @Override
    protected LockTable table() {
        return table;
    }

    @Test
    void theHistorySurvivesAReopenOfTheDataDirectory() {
        LockKey key = new LockKey("reopen/x");
        table.acquire(new NewLease(key, "l", "o", LockInfo.EMPTY, T0, 30_000, ""), T0 - 1_000);
        StateVersion v = new StateVersion(
                key, 1, "reopen/x/~v/1-ab", 3, "c".repeat(64), "d".repeat(32), 1, T0, "o", 7, "lin", false);
        table.movePointer(new PointerMove(key, "l", 1, T0, 0, List.of(v)));
        table.close();
        table = new SqliteLockTable(dataDir);

        assertThat(table.stateHistory(key).versions()).containsExactly(v);
    }

    @Test
    void theDeliberatelyBrokenStoreMovesThePointerForAStaleLeaseAndTheRealOneDoesNot() {
        LockKey key = new LockKey("broken/x");
        table.acquire(new NewLease(key, "old", "o", LockInfo.EMPTY, T0, 1_000, ""), T0 - 1_000);
        table.acquire(new NewLease(key, "new", "o", LockInfo.EMPTY, T0 + 5_000, 30_000, ""), T0 + 3_000);
        StateVersion stale = new StateVersion(
                key, 1, "broken/x/~v/1-ab", 3, "c".repeat(64), "d".repeat(32), 1, T0 + 6_000, "o", -1, "", false);
        PointerMove staleMove = new PointerMove(key, "old", 1, T0 + 6_000, 0, List.of(stale));

        assertThat(table.movePointer(staleMove)).isInstanceOf(io.statelock.state.port.PointerResult.LeaseLost.class);
        assertThat(new FenceIgnoringStatePointers(table).movePointer(staleMove))
                .isInstanceOf(io.statelock.state.port.PointerResult.Moved.class);
        assertThat(table.stateHistory(key).versions()).containsExactly(stale);
    }
}
