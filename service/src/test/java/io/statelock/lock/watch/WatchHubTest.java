package io.statelock.lock.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.common.ShuttingDownException;
import io.statelock.common.StoreUnavailableException;
import io.statelock.common.TooManyWaitersException;
import io.statelock.lock.AcquireCommand;
import io.statelock.lock.Lease;
import io.statelock.lock.LeaseIds;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockEvent.Type;
import io.statelock.lock.LockEvents;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockSettings;
import io.statelock.lock.LockStatus;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.NewLease;
import io.statelock.testing.CountingLockTable;
import io.statelock.testing.ManualClock;
import io.statelock.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watch on the real embedded store and coordinator, with a clock and scheduler the test controls. */
class WatchHubTest {
    static final String KEY = "prod/network/terraform.tfstate";
    static final LockKey LOCK_KEY = new LockKey(KEY);
    static final long POLL_MS = 1000;
    static final long SKEW_MS = 1000;
    static final Duration TTL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    ManualClock clock = new ManualClock(1_700_000_000_000L);
    ManualScheduler scheduler = new ManualScheduler(clock);
    LockEvents events = new LockEvents();
    SqliteLockTable store;
    CountingLockTable table;
    LockCoordinator locks;
    WatchHub hub;

    @BeforeEach
    void setUp() {
        store = new SqliteLockTable(dir);
        table = new CountingLockTable(store);
        hub = hub(settings(POLL_MS), 100);
    }

    @AfterEach
    void tearDown() {
        hub.shutdown();
        store.close();
    }

    WatchHub hub(LockSettings settings, int maxStreams) {
        return hub(settings, new WatchLimits(maxStreams, maxStreams, 1000));
    }

    WatchHub hub(LockSettings settings, WatchLimits limits) {
        locks = new LockCoordinator(table, settings, clock, scheduler, events);
        return new WatchHub(table, events, scheduler, clock, settings, limits);
    }

    static LockSettings settings(long pollMs) {
        return new LockSettings(
                TTL,
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                Duration.ofMillis(SKEW_MS),
                Duration.ofMillis(pollMs),
                100,
                0);
    }

    Lease acquire(String key, String owner) throws Exception {
        return locks.acquire(
                        new AcquireCommand(
                                new LockKey(key), owner, TTL, new LockInfo("apply", owner, "", "", "", Map.of()), ""),
                        Duration.ZERO)
                .get();
    }

    /** Writes straight to the table, as another replica would: this replica publishes nothing. */
    String acquireElsewhere(String key, String owner) {
        String leaseId = LeaseIds.newLeaseId();
        long now = clock.millis();
        AcquireResult result = store.acquire(
                new NewLease(new LockKey(key), leaseId, owner, LockInfo.EMPTY, now, TTL.toMillis(), ""), now - SKEW_MS);
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
        return leaseId;
    }

    @Test
    void keyWatchStartsWithOneSnapshotEvenForAKeyNeverAcquired() {
        Recorder r = new Recorder();
        hub.open(KEY, "", r);
        assertThat(r.types()).containsExactly(Type.SNAPSHOT);
        LockStatus status = r.events.get(0).status();
        assertThat(status.key()).isEqualTo(LOCK_KEY);
        assertThat(status.held()).isFalse();
        assertThat(status.fencingToken()).isZero();
    }

    @Test
    void keySnapshotShowsTheHolder() throws Exception {
        Lease lease = acquire(KEY, "alice");
        Recorder r = new Recorder();
        hub.open(KEY, null, r);
        assertThat(r.types()).containsExactly(Type.SNAPSHOT);
        LockStatus status = r.events.get(0).status();
        assertThat(status.held()).isTrue();
        assertThat(status.owner()).isEqualTo("alice");
        assertThat(status.fencingToken()).isEqualTo(1).isEqualTo(lease.fencingToken());
        assertThat(status.leaseIdHint()).isEqualTo(LeaseIds.hint(lease.leaseId()));
        assertThat(status.expiresAtMs()).isEqualTo(lease.expiresAtMs());
    }

    @Test
    void prefixSnapshotHasOneEventPerRecordInKeyOrder() throws Exception {
        acquire("prod/b", "bob");
        Lease a = acquire("prod/a", "alice");
        acquire("staging/x", "xavier");
        locks.release(a.key(), a.leaseId());

        Recorder prod = new Recorder();
        hub.open("", "prod/", prod);
        assertThat(prod.types()).containsExactly(Type.SNAPSHOT, Type.SNAPSHOT);
        assertThat(prod.keys()).containsExactly("prod/a", "prod/b");
        assertThat(prod.events.get(0).status().held()).isFalse();
        assertThat(prod.events.get(0).status().fencingToken()).isEqualTo(1);
        assertThat(prod.events.get(1).status().owner()).isEqualTo("bob");

        Recorder partial = new Recorder();
        hub.open(null, "pro", partial); // a prefix may end inside a segment
        assertThat(partial.keys()).containsExactly("prod/a", "prod/b");

        Recorder all = new Recorder();
        hub.open("", "", all);
        assertThat(all.keys()).containsExactly("prod/a", "prod/b", "staging/x");
        assertThat(all.types()).containsOnly(Type.SNAPSHOT);
    }

    @Test
    void localChangesArriveAtOnceAndInOrder() throws Exception {
        Recorder r = new Recorder();
        hub.open(KEY, "", r);
        Lease first = acquire(KEY, "alice");
        clock.advance(Duration.ofMillis(300)); // no scheduler run: local events need no poll
        locks.heartbeat(LOCK_KEY, first.leaseId(), null);
        locks.release(LOCK_KEY, first.leaseId());
        Lease second = acquire(KEY, "bob");
        locks.forceRelease(LOCK_KEY, "stuck runner", 0);

        assertThat(r.types())
                .containsExactly(
                        Type.SNAPSHOT, Type.ACQUIRED, Type.RENEWED, Type.RELEASED, Type.ACQUIRED, Type.FORCE_RELEASED);
        assertThat(r.fences()).containsExactly(0L, 1L, 1L, 1L, 2L, 2L);
        assertThat(r.events.get(1).status().owner()).isEqualTo("alice");
        assertThat(r.events.get(2).status().expiresAtMs()).isEqualTo(first.expiresAtMs() + 300);
        assertThat(r.events.get(4).status().leaseIdHint()).isEqualTo(LeaseIds.hint(second.leaseId()));
        assertThat(r.events.get(5).status().held()).isFalse();

        scheduler.advance(5 * POLL_MS); // the polls read back what was reported: nothing twice
        assertThat(r.events).hasSize(6);
    }

    @Test
    void changesOnAnotherReplicaArriveAfterOnePoll() {
        Recorder key = new Recorder();
        Recorder prefix = new Recorder();
        hub.open(KEY, "", key);
        hub.open("", "prod/", prefix);

        String leaseId = acquireElsewhere(KEY, "remote");
        scheduler.runDue();
        assertThat(key.types()).containsExactly(Type.SNAPSHOT);
        scheduler.advance(POLL_MS);
        assertThat(key.types()).containsExactly(Type.SNAPSHOT, Type.ACQUIRED);
        assertThat(key.last().status().owner()).isEqualTo("remote");
        assertThat(key.last().status().fencingToken()).isEqualTo(1);
        assertThat(prefix.types()).containsExactly(Type.ACQUIRED); // the prefix was empty: no snapshot events

        clock.advance(Duration.ofMillis(500));
        store.heartbeat(LOCK_KEY, leaseId, clock.millis(), 0, LeaseOwner.ANYONE);
        scheduler.advance(POLL_MS);
        assertThat(key.types()).endsWith(Type.ACQUIRED, Type.RENEWED);

        store.release(LOCK_KEY, leaseId, LeaseOwner.ANYONE);
        scheduler.advance(POLL_MS);
        assertThat(key.types()).containsExactly(Type.SNAPSHOT, Type.ACQUIRED, Type.RENEWED, Type.RELEASED);
        assertThat(key.fences()).containsExactly(0L, 1L, 1L, 1L);
        assertThat(prefix.types()).containsExactly(Type.ACQUIRED, Type.RENEWED, Type.RELEASED);

        acquireElsewhere("prod/other", "remote2");
        scheduler.advance(POLL_MS);
        assertThat(prefix.keys()).endsWith("prod/other");
        assertThat(prefix.types()).endsWith(Type.ACQUIRED);
        assertThat(key.events).hasSize(4); // another key is not this watch's business
    }

    @Test
    void streamsOnOneTargetShareOneReadPerTick() {
        hub.open(KEY, "", new Recorder());
        hub.open(KEY, "", new Recorder());
        hub.open("", "prod/", new Recorder());
        hub.open("", "prod/", new Recorder());
        hub.open("", "prod/", new Recorder());
        assertThat(hub.activeViews()).isEqualTo(2);
        table.gets.set(0);
        table.lists.set(0);

        scheduler.advance(POLL_MS);
        assertThat(table.gets.get()).isEqualTo(1);
        assertThat(table.lists.get()).isEqualTo(1);
        scheduler.advance(3 * POLL_MS);
        assertThat(table.gets.get()).isEqualTo(4);
        assertThat(table.lists.get()).isEqualTo(4);
    }

    @Test
    void expiredIsEmittedOnceAfterExpiresAtPlusSkewAndNotAgainOnTakeover() throws Exception {
        hub = hub(settings(60_000), 100); // the expiry, not the poll interval, must drive the tick
        Lease alice = acquire(KEY, "alice");
        Recorder r = new Recorder();
        hub.open(KEY, "", r);

        scheduler.advance(TTL.toMillis() + SKEW_MS); // exactly expiresAt + skew: not yet takeable
        assertThat(r.types()).containsExactly(Type.SNAPSHOT);
        scheduler.advance(1);
        assertThat(r.types()).containsExactly(Type.SNAPSHOT, Type.EXPIRED);
        LockEvent expired = r.last();
        assertThat(expired.status().owner()).isEqualTo("alice");
        assertThat(expired.status().fencingToken()).isEqualTo(1);
        assertThat(expired.status().leaseIdHint()).isEqualTo(LeaseIds.hint(alice.leaseId()));
        assertThat(expired.atMs()).isEqualTo(alice.expiresAtMs() + SKEW_MS + 1);

        scheduler.advance(3 * 60_000);
        Lease bob = acquire(KEY, "bob"); // the takeover publishes EXPIRED for alice again: dropped
        assertThat(r.types()).containsExactly(Type.SNAPSHOT, Type.EXPIRED, Type.ACQUIRED);
        assertThat(r.fences()).containsExactly(1L, 1L, 2L);
        assertThat(bob.fencingToken()).isEqualTo(2);
    }

    @Test
    void aTakeoverBeforeTheTimerRunsReportsExpiredThenAcquiredOnce() throws Exception {
        acquire(KEY, "alice");
        Recorder r = new Recorder();
        hub.open(KEY, "", r);
        clock.advance(TTL.plusMillis(SKEW_MS + 1)); // the scheduler has not run yet
        acquire(KEY, "bob");
        assertThat(r.types()).containsExactly(Type.SNAPSHOT, Type.EXPIRED, Type.ACQUIRED);
        assertThat(r.events.get(1).status().owner()).isEqualTo("alice");
        scheduler.advance(5 * POLL_MS);
        assertThat(r.types()).containsExactly(Type.SNAPSHOT, Type.EXPIRED, Type.ACQUIRED);
        assertThat(r.fences()).containsExactly(1L, 1L, 2L);
    }

    @Test
    void aTakeoverOnAnotherReplicaIsSeenAsExpiredThenAcquired() {
        acquireElsewhere(KEY, "alice");
        Recorder r = new Recorder();
        hub.open(KEY, "", r);
        clock.advance(TTL.plusMillis(SKEW_MS + 1));
        acquireElsewhere(KEY, "bob"); // before this replica's tick ran
        scheduler.runDue();
        assertThat(r.types()).containsExactly(Type.SNAPSHOT, Type.EXPIRED, Type.ACQUIRED);
        assertThat(r.fences()).containsExactly(1L, 1L, 2L);
        assertThat(r.last().status().owner()).isEqualTo("bob");
    }

    @Test
    void aChangeDuringTheSnapshotReadIsInTheSnapshotAndNotRepeated() throws Exception {
        Recorder first = new Recorder();
        hub.open(KEY, "", first);
        table.afterGet = () -> {
            table.afterGet = () -> {};
            try {
                acquire(KEY, "alice"); // lands between the second watch's read and its join
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        Recorder second = new Recorder();
        hub.open(KEY, "", second);
        assertThat(second.types()).containsExactly(Type.SNAPSHOT);
        assertThat(second.last().status().held()).isTrue();
        assertThat(second.last().status().fencingToken()).isEqualTo(1);
        assertThat(first.types()).containsExactly(Type.SNAPSHOT, Type.ACQUIRED);
        scheduler.advance(2 * POLL_MS);
        assertThat(second.events).hasSize(1);
        assertThat(first.events).hasSize(2);
    }

    @Test
    void closingTheLastStreamStopsThePollAndTheSubscription() throws Exception {
        int listenersBefore = events.listenerCount();
        Recorder r = new Recorder();
        AutoCloseable one = hub.open(KEY, "", r);
        AutoCloseable two = hub.open(KEY, "", new Recorder());
        assertThat(scheduler.pending()).isEqualTo(1);
        assertThat(hub.openStreams()).isEqualTo(2);

        one.close();
        one.close(); // idempotent
        assertThat(hub.openStreams()).isEqualTo(1);
        assertThat(scheduler.pending()).isEqualTo(1);
        acquire(KEY, "alice");
        assertThat(r.events).hasSize(1); // closed: hears nothing more

        two.close();
        assertThat(hub.openStreams()).isZero();
        assertThat(hub.activeViews()).isZero();
        assertThat(scheduler.pending()).isZero();
        assertThat(events.listenerCount()).isEqualTo(listenersBefore);
        int reads = table.gets.get();
        scheduler.advance(5 * POLL_MS);
        assertThat(table.gets.get()).isEqualTo(reads);

        Recorder again = new Recorder(); // a new watch after that starts a fresh view
        hub.open(KEY, "", again);
        assertThat(again.last().status().owner()).isEqualTo("alice");
        assertThat(scheduler.pending()).isEqualTo(1);
    }

    @Test
    void maxStreamsIsEnforcedPerReplica() throws Exception {
        hub = hub(settings(POLL_MS), 2);
        AutoCloseable a = hub.open(KEY, "", new Recorder());
        hub.open("", "prod/", new Recorder());
        assertThatThrownBy(() -> hub.open("", "x", new Recorder())).isInstanceOf(TooManyWaitersException.class);
        assertThat(hub.openStreams()).isEqualTo(2);
        a.close();
        hub.open("", "x", new Recorder());
        assertThat(hub.openStreams()).isEqualTo(2);
    }

    @Test
    void badKeysAndPrefixesAreRejectedNamingTheField() {
        assertField(() -> hub.open("/abs", "", new Recorder()), "key");
        assertField(() -> hub.open("a/../b", "", new Recorder()), "key");
        assertField(() -> hub.open("a b", "", new Recorder()), "key");
        assertField(() -> hub.open("", "/prod", new Recorder()), "prefix");
        assertField(() -> hub.open("", "prod/*", new Recorder()), "prefix");
        assertField(() -> hub.open("", "p".repeat(513), new Recorder()), "prefix");
        assertField(() -> hub.open(KEY, "prod/", new Recorder()), "prefix");
        assertThat(hub.openStreams()).isZero();
        assertThat(hub.activeViews()).isZero();
    }

    @Test
    void storeErrorsKeepStreamsOpenAndEndThemOnlyWhenTheyPersist() {
        Recorder r = new Recorder();
        hub.open(KEY, "", r, r.ends::add);
        table.failReads = true;
        scheduler.advance(3 * POLL_MS);
        assertThat(r.ends).isEmpty();
        assertThat(hub.openStreams()).isEqualTo(1);

        table.failReads = false;
        acquireElsewhere(KEY, "remote");
        scheduler.advance(POLL_MS);
        assertThat(r.types()).containsExactly(Type.SNAPSHOT, Type.ACQUIRED);

        table.failReads = true;
        scheduler.advance((WatchView.MAX_FAILED_POLLS - 1) * POLL_MS);
        assertThat(r.ends).isEmpty();
        scheduler.advance(POLL_MS);
        assertThat(r.ends).singleElement().isInstanceOf(StoreUnavailableException.class);
        assertThat(r.types()).doesNotContain(Type.EXPIRED); // a lease we cannot read is not declared expired
        assertThat(hub.openStreams()).isZero();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void aFailedSnapshotReadOpensNothing() {
        table.failReads = true;
        assertThatThrownBy(() -> hub.open(KEY, "", new Recorder())).isInstanceOf(StoreUnavailableException.class);
        assertThat(hub.openStreams()).isZero();
        assertThat(hub.activeViews()).isZero();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void shutdownEndsEveryStreamAndStopsThePolls() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        hub.open(KEY, "", a, a.ends::add);
        hub.open("", "", b, b.ends::add);
        hub.shutdown();
        assertThat(a.ends).singleElement().isInstanceOf(ShuttingDownException.class);
        assertThat(b.ends).singleElement().isInstanceOf(ShuttingDownException.class);
        assertThat(hub.openStreams()).isZero();
        assertThat(scheduler.pending()).isZero();
        assertThatThrownBy(() -> hub.open(KEY, "", new Recorder())).isInstanceOf(ShuttingDownException.class);
    }

    @Test
    void aSinkThatThrowsIsDroppedAndTheOthersCarryOn() throws Exception {
        RuntimeException boom = new IllegalStateException("client went away");
        Recorder bad = new Recorder() {
            @Override
            public void accept(LockEvent event) {
                super.accept(event);
                if (event.type() != Type.SNAPSHOT) throw boom;
            }
        };
        Recorder good = new Recorder();
        hub.open(KEY, "", bad, bad.ends::add);
        hub.open(KEY, "", good);
        Lease lease = acquire(KEY, "alice");
        locks.release(LOCK_KEY, lease.leaseId());
        assertThat(bad.types()).containsExactly(Type.SNAPSHOT, Type.ACQUIRED);
        assertThat(bad.ends).containsExactly(boom);
        assertThat(good.types()).containsExactly(Type.SNAPSHOT, Type.ACQUIRED, Type.RELEASED);
        assertThat(hub.openStreams()).isEqualTo(1);
    }

    @Test
    void aSinkIsNeverEnteredByTwoThreadsAndSeesEachKeysChangesInOrder() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        List<LockEvent> seen = new ArrayList<>(); // only the sink writes it, one thread at a time
        hub.open("", "ci/", event -> {
            if (inside.incrementAndGet() > 1) overlapped.set(true);
            seen.add(event);
            Thread.yield();
            inside.decrementAndGet();
        });
        int threads = 8;
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String key = "ci/job-" + t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    Lease lease = acquire(key, "runner");
                    locks.release(lease.key(), lease.leaseId());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(overlapped).isFalse();
        synchronized (seen) {
            assertThat(seen).hasSize(threads * rounds * 2);
            for (int t = 0; t < threads; t++) {
                String key = "ci/job-" + t;
                List<LockEvent> mine = seen.stream()
                        .filter(e -> e.status().key().value().equals(key))
                        .toList();
                for (int i = 0; i < rounds; i++) {
                    assertThat(mine.get(2 * i).type()).isEqualTo(Type.ACQUIRED);
                    assertThat(mine.get(2 * i + 1).type()).isEqualTo(Type.RELEASED);
                    assertThat(mine.get(2 * i).status().fencingToken()).isEqualTo(i + 1);
                    assertThat(mine.get(2 * i + 1).status().fencingToken()).isEqualTo(i + 1);
                }
            }
        }
    }

    @Test
    void oneIdentityTakesAtMostItsShareOfTheStreams() {
        hub = hub(settings(POLL_MS), new WatchLimits(10, 2, 1000));
        List<Watch> open = new ArrayList<>();
        open.add(hub.open(KEY, "", Watcher.unlimited("subject a"), new Recorder()));
        open.add(hub.open("", "prod/", Watcher.unlimited("subject a"), new Recorder()));
        assertThatThrownBy(() -> hub.open(KEY, "", Watcher.unlimited("subject a"), new Recorder()))
                .isInstanceOf(TooManyWaitersException.class)
                .hasMessageContaining("subject a already has 2 open watch streams")
                .hasMessageContaining("statelock.watch.max-streams-per-caller");
        open.add(hub.open(KEY, "", Watcher.unlimited("subject b"), new Recorder())); // others still get theirs
        assertThat(hub.openStreams()).isEqualTo(3);

        open.remove(0).close();
        open.add(hub.open(KEY, "", Watcher.unlimited("subject a"), new Recorder()));
        open.forEach(Watch::close);
        // Identities that come and go leave nothing behind.
        for (int i = 0; i < 500; i++)
            hub.open(KEY, "", Watcher.unlimited("subject " + i), new Recorder()).close();
        assertThat(hub.openStreams()).isZero();
        assertThat(hub.callersWithStreams()).isZero();
    }

    @Test
    void aReaderThatIsNotReadyGetsNothingUntilResumedThenAllInOrder() throws Exception {
        Recorder slow = new Recorder();
        slow.ready = false;
        Watch watch = hub.open(KEY, "", Watcher.unlimited("a"), slow);
        Lease lease = acquire(KEY, "alice");
        locks.release(LOCK_KEY, lease.leaseId());
        assertThat(slow.events).isEmpty();
        assertThat(hub.bufferedEvents()).isEqualTo(3);

        slow.ready = true;
        watch.resume();
        assertThat(slow.types()).containsExactly(Type.SNAPSHOT, Type.ACQUIRED, Type.RELEASED);
        assertThat(hub.bufferedEvents()).isZero();
    }

    @Test
    void aReaderThatFallsBehindIsEndedItsBufferDroppedAndItsSlotFreed() throws Exception {
        hub = hub(settings(POLL_MS), new WatchLimits(10, 10, 5));
        for (String k : List.of("ci/a", "ci/b", "ci/c")) acquire(k, "x"); // a snapshot of 3: not counted
        Recorder slow = new Recorder();
        slow.ready = false;
        hub.open("", "ci/", Watcher.unlimited("a"), slow);
        Recorder fast = new Recorder();
        hub.open("", "ci/", fast);
        for (int i = 0; i < 5; i++) acquire("ci/job-" + i, "runner");
        assertThat(hub.bufferedEvents()).isEqualTo(3 + 5);
        assertThat(slow.ends).isEmpty();

        acquire("ci/job-5", "runner"); // one more than the buffer takes
        assertThat(slow.ends)
                .singleElement()
                .isInstanceOf(TooManyWaitersException.class)
                .extracting(Throwable::getMessage)
                .asString()
                .startsWith("watch stream fell behind: 5 events buffered");
        assertThat(slow.events).isEmpty(); // dropped, not delivered
        assertThat(hub.bufferedEvents()).isZero();
        assertThat(hub.openStreams()).isEqualTo(1); // the reader that keeps up carries on
        assertThat(fast.types()).hasSize(3 + 6);
    }

    @Test
    void aWatchEndsWhenItsCredentialsExpireWithoutWhatWasBuffered() throws Exception {
        Recorder r = new Recorder();
        r.ready = false;
        RuntimeException expired = new IllegalStateException("token expired");
        hub.open(KEY, "", new Watcher("subject a", clock.millis() + 5_000, () -> expired), r);
        acquire(KEY, "alice");
        scheduler.advance(4_999);
        assertThat(r.ends).isEmpty();
        scheduler.advance(1);
        assertThat(r.ends).containsExactly(expired);
        assertThat(r.events).isEmpty(); // not shown to credentials that no longer hold
        assertThat(hub.openStreams()).isZero();
        assertThat(scheduler.pending()).isZero();

        assertThatThrownBy(() ->
                        hub.open(KEY, "", new Watcher("subject a", clock.millis(), () -> expired), new Recorder()))
                .isSameAs(expired);
        assertThat(hub.openStreams()).isZero();
    }

    @Test
    void closingAWatchCancelsItsExpiryTimer() {
        Watch watch = hub.open(
                KEY,
                "",
                new Watcher("subject a", clock.millis() + 3_600_000, () -> new IllegalStateException("expired")),
                new Recorder());
        assertThat(scheduler.pending()).isEqualTo(2); // the view's poll and the credentials' end
        watch.close();
        assertThat(scheduler.pending()).isZero();
    }

    private static void assertField(Runnable open, String field) {
        assertThatThrownBy(open::run)
                .isInstanceOfSatisfying(
                        InvalidArgumentException.class,
                        e -> assertThat(e.violations())
                                .extracting(InvalidArgumentException.Violation::field)
                                .containsExactly(field));
    }

    /** Collects what a watch delivers, and how it ended; {@code ready} plays gRPC's isReady. */
    static class Recorder implements java.util.function.Consumer<LockEvent>, WatchSink {
        final List<LockEvent> events = new CopyOnWriteArrayList<>();
        final List<RuntimeException> ends = new CopyOnWriteArrayList<>();
        volatile boolean ready = true;

        @Override
        public void accept(LockEvent event) {
            events.add(event);
        }

        @Override
        public void end(RuntimeException reason) {
            ends.add(reason);
        }

        @Override
        public boolean ready() {
            return ready;
        }

        List<Type> types() {
            return events.stream().map(LockEvent::type).toList();
        }

        List<Long> fences() {
            return events.stream().map(e -> e.status().fencingToken()).toList();
        }

        List<String> keys() {
            return events.stream().map(e -> e.status().key().value()).toList();
        }

        LockEvent last() {
            return events.get(events.size() - 1);
        }
    }

    /** The real store behind a wrapper that counts reads and can fail them like an outage. */
}
