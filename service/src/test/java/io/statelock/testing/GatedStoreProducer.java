package io.statelock.testing;

import io.statelock.boot.StatelockConfig;
import io.statelock.boot.Store;
import io.statelock.boot.StoreProducer;
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
        Store store = StoreProducer.embedded(config.embedded().dataDir());
        return new Store(new GatedReads(store.locks()), store.pointers(), store.audit(), store.resources());
    }

    void close(@Disposes Store store) throws Exception {
        store.resources().close();
    }
}
