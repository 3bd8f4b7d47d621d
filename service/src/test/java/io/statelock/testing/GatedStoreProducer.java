package io.statelock.testing;

import io.statelock.adapter.sqlite.SqliteAuditStore;
import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.boot.StatelockConfig;
import io.statelock.boot.Store;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The embedded store behind {@link GatedReads}, for the test profiles that enable this alternative
 * ({@code getEnabledAlternatives}); other tests keep the service's own store producer.
 */
@Alternative
@ApplicationScoped
public class GatedStoreProducer {
    @Produces
    @Singleton
    Store gatedStore(StatelockConfig config) {
        SqliteLockTable table = new SqliteLockTable(config.embedded().dataDir());
        SqliteAuditStore audit = new SqliteAuditStore(config.embedded().dataDir());
        return new Store(new GatedReads(table), table, audit, () -> {
            try (table;
                    audit) {
                // the audit store first, then the lock table, as the service's own store closes
            }
        });
    }

    void close(@Disposes Store store) throws Exception {
        store.resources().close();
    }
}
