package io.statelock.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.statelock.boot.StatelockConfig;
import io.statelock.adapter.metrics.MeteredLockTable;
import io.statelock.lock.port.LockTable;
import io.statelock.state.port.StatePointers;
import io.statelock.adapter.sqlite.SqliteLockTable;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The embedded store behind {@link GatedReads}, for the test profiles that enable this alternative
 * ({@code getEnabledAlternatives}); other tests keep the service's own store producer.
 */
@Alternative
@ApplicationScoped
public class GatedStoreProducer {
    private SqliteLockTable store;

    private synchronized SqliteLockTable store(StatelockConfig config) {
        if (store == null) store = new SqliteLockTable(config.embedded().dataDir());
        return store;
    }

    @Produces
    @Singleton
    LockTable lockTable(StatelockConfig config, MeterRegistry registry) {
        return new MeteredLockTable(new GatedReads(store(config)), registry);
    }

    @Produces
    @Singleton
    StatePointers statePointers(StatelockConfig config) {
        return store(config);
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) store.close();
    }
}
