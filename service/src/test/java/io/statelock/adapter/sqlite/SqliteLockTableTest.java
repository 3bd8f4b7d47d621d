package io.statelock.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.LockTableContract;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

    /**
     * A prefix reads only its own range of the key index: SQLite's plan bounds the search on both sides, so a
     * prefix with few keys does not read every key that sorts after it (a watch polls it every interval).
     */
    @Test
    void aPrefixListingSearchesTheKeyIndexWithinTheRange() {
        table.close();
        table = null;
        try (SqliteDatabase db = SqliteDatabase.open(dataDir)) {
            String plan = db.inTransaction(c -> {
                StringBuilder b = new StringBuilder();
                try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + SqliteLockTable.LIST)) {
                    ps.setString(1, "prod/");
                    ps.setString(2, "");
                    ps.setString(3, "prod/~");
                    ps.setInt(4, 10);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) b.append(rs.getString("detail")).append('\n');
                    }
                }
                return b.toString();
            });
            assertThat(plan)
                    .contains("SEARCH locks USING INDEX")
                    .contains("key<?")
                    .doesNotContain("SCAN");
        }
    }
}
