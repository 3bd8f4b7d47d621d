package io.statelock.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.statelock.adapter.blob.filesystem.FilesystemBlobStore;
import io.statelock.adapter.blob.s3.S3BlobStore;
import io.statelock.adapter.dynamodb.DynamoDbAuditStore;
import io.statelock.adapter.dynamodb.DynamoDbLockTable;
import io.statelock.adapter.metrics.MeteredLockTable;
import io.statelock.adapter.sqlite.SqliteAuditStore;
import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.audit.AuditStore;
import io.statelock.lock.port.LockTable;
import io.statelock.state.port.BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Picks the lock store from {@code statelock.store} and the blob store from {@code statelock.blob};
 * the DynamoDB and S3 clients are built only when chosen.
 */
@ApplicationScoped
public class StoreProducer {
    private static final Logger LOG = Logger.getLogger(StoreProducer.class);

    @Produces
    @Singleton
    Store store(StatelockConfig config, Instance<DynamoDbClient> dynamoDb) {
        if (config.store() == StatelockConfig.StoreKind.dynamodb) {
            DynamoDbLockTable table =
                    new DynamoDbLockTable(dynamoDb.get(), config.dynamodb().table());
            DynamoDbAuditStore audit =
                    new DynamoDbAuditStore(dynamoDb.get(), config.dynamodb().auditTable());
            if (config.dynamodb().createTable()) {
                table.createTableIfMissing();
                audit.createTableIfMissing();
            }
            LOG.infof("lock store: DynamoDB table %s", config.dynamodb().table());
            LOG.infof("audit store: DynamoDB table %s", config.dynamodb().auditTable());
            completeSegmentRegistryInBackground(table);
            // The DynamoDB client is Quarkus's: nothing of the store's own to close.
            return new Store(table, table, audit, () -> {});
        }
        LOG.infof(
                "lock store: embedded, data directory %s",
                config.embedded().dataDir().toAbsolutePath());
        return embedded(config.embedded().dataDir());
    }

    /** The embedded store in {@code dataDir}: the lock table and state pointers in one database, audit.db beside it. */
    public static Store embedded(Path dataDir) {
        SqliteLockTable table = new SqliteLockTable(dataDir);
        SqliteAuditStore audit;
        try {
            audit = new SqliteAuditStore(dataDir);
        } catch (RuntimeException e) {
            table.close(); // no Store to dispose of yet: the open database must not outlive the failed start
            throw e;
        }
        return new Store(table, table, audit, () -> {
            try (table;
                    audit) {
                // closed in reverse order: the audit store first, then the lock table
            }
        });
    }

    void close(@Disposes Store store) throws Exception {
        store.resources().close();
    }

    @Produces
    @Singleton
    LockTable lockTable(Store store, MeterRegistry registry) {
        // Every store call is counted by operation and outcome (docs/design.md#invariant-5 is read off these counters).
        return new MeteredLockTable(store.locks(), registry);
    }

    @Produces
    @Singleton
    AuditStore auditStore(Store store) {
        return store.audit();
    }

    /**
     * A table from an earlier version has no complete segment registry until one paged Scan of its keys fills it
     * (prefixes without '/' are listed by a Scan until then): done off the start-up path, retried until it succeeds.
     */
    private static void completeSegmentRegistryInBackground(DynamoDbLockTable table) {
        Thread backfill = new Thread(
                () -> {
                    while (true) {
                        try {
                            table.completeSegmentRegistry();
                            return;
                        } catch (RuntimeException e) {
                            LOG.warnf("completing the segment registry failed, retrying in 60 s: %s", e.getMessage());
                        }
                        try {
                            Thread.sleep(
                                    60_000); // not urgent (listing falls back to a Scan meanwhile): give the store a
                            // minute
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "statelock-segment-registry");
        backfill.setDaemon(true);
        backfill.start();
    }

    @Produces
    @Singleton
    BlobStore blobStore(StatelockConfig config, Instance<S3Client> s3) {
        if (config.blob() == StatelockConfig.BlobKind.s3) {
            LOG.infof(
                    "state objects: S3 bucket %s, prefix %s",
                    config.s3().bucket(), config.s3().prefix());
            return new S3BlobStore(s3.get(), config.s3().bucket(), config.s3().prefix());
        }
        LOG.infof("state objects: directory %s", config.filesystem().dir().toAbsolutePath());
        return new FilesystemBlobStore(config.filesystem().dir());
    }
}
