package io.statelock.boot;

import io.quarkus.runtime.StartupEvent;
import io.statelock.adapter.terraform.TerraformStateJson;
import io.statelock.lock.ExecutorScheduler;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockSettings;
import io.statelock.lock.Scheduler;
import io.statelock.state.ProcessDirectory;
import io.statelock.state.StateCoordinator;
import io.statelock.state.StateLimits;
import io.statelock.state.StateRetention;
import io.statelock.state.StateSettings;
import io.statelock.state.TerraformBackend;
import io.statelock.state.port.BlobStore;
import io.statelock.state.port.StatePointers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Wires the state domain from configuration, and schedules retention. */
@ApplicationScoped
public class StateBeans {
    private static final Logger LOG = Logger.getLogger(StateBeans.class);

    /**
     * This process's spool directory under {@code statelock.state.spool-dir} (which several processes may share):
     * what a killed process left there is reclaimed now, this one's own is deleted at a clean stop.
     */
    @Produces
    @Singleton
    ProcessDirectory spoolDirectory(StatelockConfig config) {
        ProcessDirectory spool = ProcessDirectory.claim(
                config.state().spoolDir(), "state-*.spool", StateSettings.ONE_HOUR_MS, System.currentTimeMillis());
        if (spool.reclaimed() > 0) {
            LOG.infof(
                    "reclaimed %d spool directories and files left by stopped processes under %s",
                    spool.reclaimed(), config.state().spoolDir());
        }
        return spool;
    }

    void closeSpool(@jakarta.enterprise.inject.Disposes ProcessDirectory spool) {
        spool.close();
    }

    @Produces
    @Singleton
    StateSettings stateSettings(StatelockConfig config, ProcessDirectory spool) {
        return new StateSettings(
                config.state().keepVersions(),
                spool.dir(),
                StateSettings.ONE_HOUR_MS,
                new StateLimits(
                        config.state().maxSize().asLongValue(),
                        config.state().minFreeSpace().asLongValue()));
    }

    /**
     * Every lock store keeps the state pointer on its lock records. Under {@code statelock.testing.skip-fence-check}
     * (allowed only under the harness, test and dev profiles) they are wrapped in the deliberately broken decorator.
     */
    @Produces
    @Singleton
    StatePointers statePointers(Store store, StatelockConfig config) {
        return TestingSettings.skipFenceCheck(config) ? fenceIgnoring(store.pointers()) : store.pointers();
    }

    /**
     * The deliberately broken decorator, found by name: only the harness's build of the service carries it (the
     * production jar leaves it out, see service/pom.xml), so nothing here may name its class.
     */
    static StatePointers fenceIgnoring(StatePointers pointers) {
        try {
            return (StatePointers)
                    fenceIgnoringClass().getConstructor(StatePointers.class).newInstance(pointers);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build the deliberately broken fence check", e);
        }
    }

    /** The broken decorator's class, or a refusal naming the build that has it. */
    static Class<?> fenceIgnoringClass() {
        try {
            return Class.forName("io.statelock.adapter.harness.FenceIgnoringStatePointers");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("statelock.testing.skip-fence-check=true needs the safety harness's build"
                    + " of the service (service/target/harness-app/quarkus-run.jar): this build leaves the broken"
                    + " fence check out");
        }
    }

    @Produces
    @Singleton
    StateCoordinator states(
            StatePointers table, BlobStore blobs, LockSettings settings, Clock clock, StateSettings state) {
        return new StateCoordinator(table, blobs, new TerraformStateJson(), settings.fences(), clock, state);
    }

    @Produces
    @Singleton
    TerraformBackend terraformBackend(
            LockCoordinator locks, StateCoordinator states, Clock clock, StatelockConfig config) {
        return new TerraformBackend(locks, states, clock, config.http().leaseTtl());
    }

    @Produces
    @Singleton
    StateRetention retention(StatePointers table, BlobStore blobs, Clock clock, StateSettings state) {
        return new StateRetention(table, blobs, clock, state);
    }

    /** Retention runs on the shared scheduler, first one interval after start, then every interval. */
    void onStart(
            @Observes StartupEvent event,
            StateRetention retention,
            ExecutorScheduler scheduler,
            StatelockConfig config) {
        long intervalMs = config.state().gcInterval().toMillis();
        schedule(retention, scheduler, intervalMs);
    }

    private static void schedule(StateRetention retention, Scheduler scheduler, long intervalMs) {
        scheduler.schedule(
                () -> {
                    try {
                        int deleted = retention.collect();
                        if (deleted > 0) LOG.infof("state retention: deleted %d unreferenced objects", deleted);
                    } catch (RuntimeException e) {
                        LOG.warnf("state retention failed, retrying next interval: %s", e.getMessage());
                    } finally {
                        schedule(retention, scheduler, intervalMs);
                    }
                },
                intervalMs);
    }
}
