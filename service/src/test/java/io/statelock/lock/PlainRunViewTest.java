package io.statelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.port.TerraformLocks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * statelock leases and plain Terraform runs on one Terraform S3 state, against Terraform's lock as one atomic slot
 * (what the lock file's If-None-Match and the item's attribute_not_exists make it): never both at once, whoever
 * races whom, and a lease handed out only with its Terraform lock in place.
 */
class PlainRunViewTest {
    static final LockKey KEY = new LockKey("bucket/team/terraform.tfstate");

    /** Terraform's lock of {@link #KEY}: one slot, taken only when empty, removed only by its ID. */
    static final class TerraformSlot implements TerraformLocks {
        final AtomicReference<PlainRunLock> lock = new AtomicReference<>();
        final AtomicBoolean failClaims = new AtomicBoolean();

        @Override
        public boolean covers(String keyOrPrefix) {
            return keyOrPrefix.startsWith("bucket/");
        }

        @Override
        public Optional<PlainRunLock> read(LockKey key) {
            return Optional.ofNullable(lock.get());
        }

        @Override
        public List<PlainRunLock> list(String prefix) {
            return read(KEY).stream().toList();
        }

        @Override
        public Set<PlainRunLock.Mechanism> remove(LockKey key, String id) {
            PlainRunLock now = lock.get();
            return now != null && now.id().equals(id) && lock.compareAndSet(now, null)
                    ? Set.of(PlainRunLock.Mechanism.LOCKFILE)
                    : Set.of();
        }

        @Override
        public Set<PlainRunLock.Mechanism> mechanisms() {
            return Set.of(PlainRunLock.Mechanism.LOCKFILE);
        }

        @Override
        public List<String> prefixes() {
            return List.of("bucket/");
        }

        @Override
        public Optional<PlainRunLock> claim(PlainRunLock claimed) {
            if (failClaims.get()) throw new StoreUnavailableException("lock file store down", null);
            if (lock.compareAndSet(null, claimed)) return Optional.empty();
            PlainRunLock there = lock.get();
            return there != null && there.id().equals(claimed.id())
                    ? Optional.empty()
                    : Optional.of(there != null ? there : claimed);
        }

        /** A plain run's lock, taken as Terraform takes it; null when the slot was taken. */
        PlainRunLock plainRun() {
            PlainRunLock mine = new PlainRunLock(
                    KEY,
                    UUID.randomUUID().toString(),
                    "OperationTypeApply",
                    "plain@runner",
                    "1.11.4",
                    System.currentTimeMillis(),
                    "",
                    KEY.value(),
                    Set.of(PlainRunLock.Mechanism.LOCKFILE));
            return lock.compareAndSet(null, mine) ? mine : null;
        }
    }

    @TempDir
    Path dir;

    SqliteLockTable store;
    TerraformSlot terraform = new TerraformSlot();
    ExecutorScheduler scheduler = new ExecutorScheduler(2);
    LockCoordinator locks;

    @BeforeEach
    void setUp() {
        store = new SqliteLockTable(dir);
        LockSettings settings = LockSettings.defaults();
        locks = new LockCoordinator(
                new PlainRunView(store, terraform, settings.fences()),
                terraform,
                settings,
                Clock.systemUTC(),
                scheduler,
                new LockEvents());
    }

    @AfterEach
    void tearDown() throws Exception {
        locks.shutdown();
        scheduler.close();
        store.close();
    }

    AcquireCommand command(String owner, String requestId) {
        return new AcquireCommand(KEY, owner, Duration.ofSeconds(30), LockInfo.EMPTY, requestId);
    }

    @Test
    void leasesAndPlainRunsNeverHoldTheStateAtOnceWhoeverRacesWhom() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger leases = new AtomicInteger();
        AtomicInteger plainRuns = new AtomicInteger();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            boolean plain = t % 2 == 0;
            done.add(threads.submit(() -> {
                for (int i = 0; i < 150; i++) {
                    if (plain) {
                        PlainRunLock mine = terraform.plainRun();
                        if (mine == null) continue;
                        if (inside.incrementAndGet() != 1) violations.add("a plain run got in beside another holder");
                        plainRuns.incrementAndGet();
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                        terraform.remove(KEY, mine.id());
                    } else {
                        Lease lease;
                        try {
                            lease = locks.acquire(command("ci-" + i, ""), Duration.ZERO)
                                    .join();
                        } catch (LockHeldException | CompletionException held) {
                            continue;
                        }
                        if (inside.incrementAndGet() != 1)
                            violations.add("a lease was handed out beside another holder");
                        PlainRunLock there = terraform.lock.get();
                        long counter = LockSettings.defaults().fences().counterOf(lease.fencingToken());
                        if (there == null || TerraformMirror.counterOf(there) != counter) {
                            violations.add("lease " + counter + " handed out without its Terraform lock: " + there);
                        }
                        leases.incrementAndGet();
                        if (ThreadLocalRandom.current().nextBoolean()) Thread.yield();
                        inside.decrementAndGet();
                        locks.release(KEY, lease.leaseId());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) f.get();
        threads.shutdown();
        assertThat(violations).isEmpty();
        assertThat(leases.get()).as("leases granted").isPositive();
        assertThat(plainRuns.get()).as("plain runs that got in").isPositive();
        assertThat(terraform.lock.get())
                .as("every holder gave Terraform's lock back")
                .isNull();
    }

    @Test
    void aClaimThatFailsGivesTheGrantBackAndARetryOfAGrantedLeaseRestoresItsTerraformLock() {
        terraform.failClaims.set(true);
        assertThatThrownBy(() ->
                        locks.acquire(command("ci", "req-1"), Duration.ZERO).join())
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(store.get(KEY).orElseThrow().hasLease())
                .as("the grant was given back")
                .isFalse();

        terraform.failClaims.set(false);
        Lease lease = locks.acquire(command("ci", "req-2"), Duration.ZERO).join();
        // Its Terraform lock disappears (someone ran terraform force-unlock with the ID Terraform showed)...
        terraform.remove(KEY, terraform.lock.get().id());
        // ...and the client retries the same acquire (its answer was lost): the lease comes back with its lock.
        Lease again = locks.acquire(command("ci", "req-2"), Duration.ZERO).join();
        assertThat(again.leaseId()).isEqualTo(lease.leaseId());
        assertThat(TerraformMirror.counterOf(terraform.lock.get()))
                .isEqualTo(LockSettings.defaults().fences().counterOf(lease.fencingToken()));
    }

    @Test
    void aRetryWhoseTerraformLockAPlainRunTookMeanwhileIsRefusedNamingThatRun() {
        locks.acquire(command("ci", "req-3"), Duration.ZERO).join();
        terraform.remove(KEY, terraform.lock.get().id());
        assertThat(terraform.plainRun()).isNotNull();
        assertThatThrownBy(() ->
                        locks.acquire(command("ci", "req-3"), Duration.ZERO).join())
                .isInstanceOfSatisfying(
                        LockHeldException.class,
                        held -> assertThat(held.holder().owner()).isEqualTo("plain@runner"));
    }
}
