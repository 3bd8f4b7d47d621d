package io.statelock.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.audit.AuditQuery;
import io.statelock.audit.AuditStore;
import io.statelock.audit.AuditStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit store contract on SQLite ({@code audit.db} in a fresh data directory per test). */
class SqliteAuditStoreTest extends AuditStoreContract {
    @TempDir
    Path dataDir;

    private SqliteAuditStore store;

    @BeforeEach
    void open() {
        store = new SqliteAuditStore(dataDir);
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    @Override
    protected AuditStore store() {
        return store;
    }

    @Test
    void recordsSurviveReopeningAndLiveBesideTheLockDatabase() {
        try (SqliteLockTable locks = new SqliteLockTable(dataDir)) {
            store.append(List.of(entry(T0, unique + "/k", "force-release")));
            store.close();
            store = new SqliteAuditStore(dataDir);

            assertThat(store.query(new AuditQuery(unique + "/", 0, Long.MAX_VALUE, 10, ""))
                            .entries())
                    .hasSize(1);
            assertThat(Files.exists(dataDir.resolve("audit.db"))).isTrue();
            assertThat(locks.get(new io.statelock.common.LockKey(unique + "/k")))
                    .isEmpty();
        }
    }
}
