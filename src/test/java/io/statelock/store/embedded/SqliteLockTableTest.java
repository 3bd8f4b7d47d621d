package io.statelock.store.embedded;

import io.statelock.store.LockTable;
import io.statelock.store.LockTableContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite store, in a fresh data directory per test. */
class SqliteLockTableTest extends LockTableContract {
    @TempDir
    Path dataDir;

    private SqliteLockTable table;

    @BeforeEach
    void open() {
        table = new SqliteLockTable(dataDir);
    }

    @AfterEach
    void close() {
        if (table != null) {
            table.close();
        }
    }

    @Override
    protected LockTable table() {
        return table;
    }
}
