package io.statelock.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.adapter.sqlite.SqliteLockTable;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.common.ShuttingDownException;
import io.statelock.common.StoreUnavailableException;
import io.statelock.common.TooManyWaitersException;
import io.statelock.testing.CountingLockTable;
import io.statelock.testing.ManualClock;
import io.statelock.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock use cases on the real embedded store, with a clock and scheduler the test controls. */
class LockCoordinatorTest {
    static final LockKey KEY = new LockKey("prod/network/terraform.tfstate");
    static final Duration TTL = Duration.ofSeconds(10);
    static final long SKEW_MS = 1000;

    @TempDir
    Path dir;

    ManualClock clock = new ManualClock(1_700_000_000_000L);
    ManualScheduler scheduler = new ManualScheduler(clock);
    LockEvents events = new LockEvents();
    List<LockEvent> seen = new CopyOnWriteArrayList<>();
    SqliteLockTable store;
    CountingLockTable table;
    LockCoordinator locks;

    @BeforeEach
    void setUp() {
        store = new SqliteLockTable(dir);
        table = new CountingLockTable(store);
        locks = coordinator(LockSettings.defaults());
        events.subscribe(k -> true, seen::add);
    }

    LockCoordinator coordinator(LockSettings settings) {
        return new LockCoordinator(table, settings, clock, scheduler, events);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    static AcquireCommand cmd(String owner) {
        return cmd(owner, "");
    }

    static AcquireCommand cmd(String owner, String requestId) {
        return new AcquireCommand(
                KEY, owner, TTL, new LockInfo("apply", owner, "1.9", "", "", Map.of("ci", "yes")), requestId);
    }

    Lease acquireNow(String owner) throws Exception {
        return locks.acquire(cmd(owner), Duration.ZERO).get();
    }

    @Test
    void firstAcquireGetsTokenOneAndASecondCallerSeesTheHolder() throws Exception {
        Lease lease = acquireNow("alice");
        assertThat(lease.fencingToken()).isEqualTo(1);
        assertThat(lease.expiresAtMs()).isEqualTo(clock.millis() + TTL.toMillis());
        assertThat(lease.leaseId()).hasSizeGreaterThanOrEqualTo(22);

        assertThatThrownBy(() -> acquireNow("bob")).isInstanceOfSatisfying(LockHeldException.class, e -> {
            assertThat(e.holder().owner()).isEqualTo("alice");
            assertThat(e.holder().info().operation()).isEqualTo("apply");
            assertThat(e.holder().fencingToken()).isEqualTo(1);
            assertThat(e.holder().leaseIdHint())
                    .isNotEmpty()
                    .doesNotContain(lease.leaseId().substring(0, 6));
        });
        assertThat(locks.describe(KEY).owner()).isEqualTo("alice");
    }

    @Test
    void fencesStrictlyIncreaseAcrossReleaseTakeoverAndForceRelease() throws Exception {
        List<Long> tokens = new ArrayList<>();
        Lease a = acquireNow("a");
        tokens.add(a.fencingToken());
        assertThat(locks.release(KEY, a.leaseId())).isTrue();
        Lease b = acquireNow("b");
        tokens.add(b.fencingToken());
        clock.advance(TTL.plusMillis(SKEW_MS + 1));
        Lease c = acquireNow("c"); // takeover of an expired lease
        tokens.add(c.fencingToken());
        locks.forceRelease(KEY, "stuck runner", 0);
        tokens.add(acquireNow("d").fencingToken());
        assertThat(tokens).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void expiredLeaseIsTakeableOnlyAfterTheClockSkewAndEmitsExpiredThenAcquired() throws Exception {
        Lease a = acquireNow("a");
        clock.set(a.expiresAtMs() + SKEW_MS); // expired, but within the skew: not yet takeable
        assertThatThrownBy(() -> acquireNow("b")).isInstanceOf(LockHeldException.class);
        clock.advance(Duration.ofMillis(1));
        seen.clear();
        Lease b = acquireNow("b");
        assertThat(b.fencingToken()).isEqualTo(2);
        assertThat(seen).extracting(LockEvent::type).containsExactly(LockEvent.Type.EXPIRED, LockEvent.Type.ACQUIRED);
        assertThat(seen.get(0).status().owner()).isEqualTo("a");
        assertThat(seen.get(1).status().owner()).isEqualTo("b");
    }

    @Test
    void heartbeatExtendsAndIsRefusedOnceExpiredEvenIfNobodyTookOver() throws Exception {
        Lease a = acquireNow("a");
        clock.advance(Duration.ofSeconds(9));
        Lease renewed = locks.heartbeat(KEY, a.leaseId(), null);
        assertThat(renewed.expiresAtMs()).isEqualTo(clock.millis() + TTL.toMillis());
        assertThat(renewed.fencingToken()).isEqualTo(a.fencingToken());
        Lease longer = locks.heartbeat(KEY, a.leaseId(), Duration.ofSeconds(20));
        assertThat(longer.ttlMs()).isEqualTo(20_000);

        clock.advance(Duration.ofMillis(20_001));
        assertThatThrownBy(() -> locks.heartbeat(KEY, a.leaseId(), null))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("expired");
        assertThat(locks.describe(KEY).held()).isFalse();
        assertThatThrownBy(() -> locks.heartbeat(KEY, "not-a-lease", null)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void retriedAcquireWithTheSameRequestIdGetsTheSameLeaseButAnEmptyIdIsNeverARetry() throws Exception {
        Lease first = locks.acquire(cmd("ci", "req-1"), Duration.ZERO).get();
        Lease retry = locks.acquire(cmd("ci", "req-1"), Duration.ZERO).get();
        assertThat(retry.leaseId()).isEqualTo(first.leaseId());
        assertThat(retry.fencingToken()).isEqualTo(first.fencingToken());
        assertThatThrownBy(() -> locks.acquire(cmd("other", "req-1"), Duration.ZERO))
                .isInstanceOf(LockHeldException.class);
        assertThatThrownBy(() -> locks.acquire(cmd("ci", "req-2"), Duration.ZERO))
                .isInstanceOf(LockHeldException.class);

        locks.release(KEY, first.leaseId());
        Lease plain = locks.acquire(cmd("ci", ""), Duration.ZERO).get();
        assertThatThrownBy(() -> locks.acquire(cmd("ci", ""), Duration.ZERO)).isInstanceOf(LockHeldException.class);
        assertThat(plain.fencingToken()).isEqualTo(2);
    }

    @Test
    void releaseIsIdempotentAndKeepsTheFence() throws Exception {
        Lease a = acquireNow("a");
        assertThat(locks.release(KEY, a.leaseId())).isTrue();
        assertThat(locks.release(KEY, a.leaseId())).isFalse();
        LockStatus status = locks.describe(KEY);
        assertThat(status.held()).isFalse();
        assertThat(status.fencingToken()).isEqualTo(1);
    }

    @Test
    void forceReleaseChecksTheExpectedToken() throws Exception {
        Lease a = acquireNow("a");
        assertThatThrownBy(() -> locks.forceRelease(KEY, " ", 0)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> locks.forceRelease(KEY, "stale", a.fencingToken() + 1))
                .isInstanceOf(LeaseLostException.class);
        assertThat(locks.describe(KEY).held()).isTrue();
        LockCoordinator.ForceReleaseOutcome outcome = locks.forceRelease(KEY, "runner died", a.fencingToken());
        assertThat(outcome.released()).isTrue();
        assertThat(outcome.previous().owner()).isEqualTo("a");
        assertThatThrownBy(() -> locks.heartbeat(KEY, a.leaseId(), null)).isInstanceOf(LeaseLostException.class);
        assertThat(locks.forceRelease(KEY, "again", 0).released()).isFalse();
    }

    @Test
    void aForceReleaseThatNeverCatchesTheHolderSaysTheKeyIsStillHeld() throws Exception {
        acquireNow("a");
        // The store's break found a new holder at every try (the key kept changing hands meanwhile).
        CountingLockTable racing = new CountingLockTable(store) {
            @Override
            public io.statelock.lock.port.ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
                return new io.statelock.lock.port.ForceReleaseResult.FenceMismatch(
                        store.get(key).orElseThrow());
            }
        };
        LockCoordinator coordinator = new LockCoordinator(racing, LockSettings.defaults(), clock, scheduler, events);

        // Not a quiet "not held" (an HTTP force-unlock would answer 200 while the key is still locked).
        assertThatThrownBy(() -> coordinator.forceRelease(KEY, "runner died", 0))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining("held by a");
        assertThat(locks.describe(KEY).held()).isTrue();
    }

    @Test
    void validateFenceIsTrueOnlyForTheLiveHoldersToken() throws Exception {
        Lease a = acquireNow("a");
        assertThat(locks.validateFence(KEY, a.fencingToken())).isEqualTo(new LockCoordinator.FenceCheck(true, 1));
        assertThat(locks.validateFence(KEY, 7).current()).isFalse();
        clock.advance(TTL.plusMillis(1));
        assertThat(locks.validateFence(KEY, a.fencingToken()).current()).isFalse();
    }

    @Test
    void epochLiftsEveryToken() throws Exception {
        LockCoordinator restored = coordinator(new LockSettings(
                TTL, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 100, 3));
        Lease lease = restored.acquire(cmd("a"), Duration.ZERO).get();
        assertThat(lease.fencingToken()).isEqualTo((3L << 40) + 1);
        assertThat(restored.validateFence(KEY, lease.fencingToken()).current()).isTrue();
        assertThat(restored.forceRelease(KEY, "epoch check", lease.fencingToken())
                        .released())
                .isTrue();
    }

    @Test
    void theWaitQueueShowsWhoWaitsInOrderSinceWhenAndShrinksAsTheyAreGranted() throws Exception {
        Lease holder = acquireNow("holder");
        assertThat(locks.waiters(KEY)).isEmpty();
        long first = clock.millis();
        CompletableFuture<Lease> w1 = locks.acquire(cmd("w1"), Duration.ofMinutes(5));
        clock.advance(Duration.ofSeconds(3));
        CompletableFuture<Lease> w2 = locks.acquire(cmd("w2"), Duration.ofMinutes(5));

        assertThat(locks.waiters(KEY))
                .containsExactly(
                        new QueuedCaller(1, "w1", cmd("w1").info(), first),
                        new QueuedCaller(2, "w2", cmd("w2").info(), first + 3000));
        locks.releaseThen(KEY, holder.leaseId(), LeaseOwner.ANYONE, outcome -> {}); // hands off on this thread
        assertThat(w1.get(5, java.util.concurrent.TimeUnit.SECONDS).fencingToken())
                .isGreaterThan(holder.fencingToken());
        assertThat(locks.waiters(KEY))
                .containsExactly(new QueuedCaller(1, "w2", cmd("w2").info(), first + 3000));
        w2.cancel(true);
        assertThat(locks.waiters(KEY)).isEmpty();
    }

    @Test
    void releaseThenAnswersFirstAndThenGrantsTheHeadWaiterOnTheCallingThread() throws Exception {
        Lease holder = acquireNow("holder");
        CompletableFuture<Lease> w1 = locks.acquire(cmd("w1"), Duration.ofMinutes(5));
        CompletableFuture<Lease> w2 = locks.acquire(cmd("w2"), Duration.ofMinutes(5));
        List<String> order = new CopyOnWriteArrayList<>();
        w1.thenRun(() -> order.add("w1 granted on " + Thread.currentThread().getName()));
        int acquiresBefore = table.acquires.get();

        locks.releaseThen(KEY, holder.leaseId(), LeaseOwner.ANYONE, outcome -> {
            assertThat(outcome.released()).isTrue();
            assertThat(outcome.previous().owner()).isEqualTo("holder");
            order.add("answered, w1 done: " + w1.isDone());
        });

        // Granted before releaseThen returned, with no scheduler task run: no thread hop, no poll interval.
        String thread = Thread.currentThread().getName();
        assertThat(order).containsExactly("answered, w1 done: false", "w1 granted on " + thread);
        assertThat(w1.get().fencingToken()).isGreaterThan(holder.fencingToken());
        assertThat(w2).isNotDone();
        assertThat(table.acquires.get() - acquiresBefore).isEqualTo(1); // w1's one acquire write, nobody else's
        assertThat(locks.describe(KEY).owner()).isEqualTo("w1");
    }

    @Test
    void waitersAreServedInArrivalOrderAndAReleaseHandsOffAtOnce() throws Exception {
        Lease holder = acquireNow("holder");
        List<CompletableFuture<Lease>> waiters = new ArrayList<>();
        for (String name : List.of("w1", "w2", "w3")) {
            waiters.add(locks.acquire(cmd(name), Duration.ofMinutes(5)));
        }
        assertThat(waiters).noneMatch(CompletableFuture::isDone);
        locks.release(KEY, holder.leaseId());
        scheduler.runDue(); // the hand-off runs now, without waiting for a poll interval
        long previousToken = holder.fencingToken();
        for (int i = 0; i < waiters.size(); i++) {
            assertThat(waiters.get(i)).isDone();
            for (int j = i + 1; j < waiters.size(); j++)
                assertThat(waiters.get(j)).isNotDone();
            Lease lease = waiters.get(i).get();
            assertThat(locks.describe(KEY).owner()).isEqualTo("w" + (i + 1));
            assertThat(lease.fencingToken()).isGreaterThan(previousToken);
            previousToken = lease.fencingToken();
            locks.release(KEY, lease.leaseId());
            scheduler.runDue();
        }
        assertThat(locks.waitingCallers()).isZero();
    }

    @Test
    void aReleaseDuringAWaitersFirstTryIsNotMissedAndTheReleaserAskingAgainQueuesBehindIt() throws Exception {
        Lease holder = acquireNow("holder");
        List<CompletableFuture<Lease>> again = new ArrayList<>();
        // The holder releases while the waiter's first try is in the store (it saw the key held), and at once
        // asks again: the waiter arrived first, so it must get the key, now and not at the next poll.
        List<Integer> waitingDuringFirstTry = new ArrayList<>();
        table.afterAcquire = () -> {
            table.afterAcquire = () -> {};
            waitingDuringFirstTry.add(locks.waitingCallers()); // a caller in its first try is not counted as waiting
            locks.releaseThen(
                    KEY,
                    holder.leaseId(),
                    LeaseOwner.ANYONE,
                    outcome -> again.add(locks.acquire(cmd("holder"), Duration.ofMinutes(5))));
        };
        CompletableFuture<Lease> waiter = locks.acquire(cmd("waiter"), Duration.ofMinutes(5));
        scheduler.runDue(); // no time passes: the try the release asked for, not a poll interval
        assertThat(waiter).isDone();
        assertThat(waiter.get().fencingToken()).isEqualTo(holder.fencingToken() + 1);
        assertThat(locks.describe(KEY).owner()).isEqualTo("waiter");
        assertThat(again.get(0)).isNotDone();
        assertThat(waitingDuringFirstTry).containsExactly(0);
        assertThat(locks.waitingCallers()).isEqualTo(1); // the releaser, queued behind
        assertThat(table.acquires.get())
                .isEqualTo(3); // holder's, the waiter's blocked try and its grant: the releaser never tried
        locks.releaseThen(KEY, waiter.get().leaseId(), LeaseOwner.ANYONE, outcome -> {});
        assertThat(again.get(0).get().fencingToken()).isEqualTo(holder.fencingToken() + 2);
        assertThat(locks.waitingCallers()).isZero();
    }

    @Test
    void aWaitingAcquireWhoseFirstTryFailsInTheStoreGetsTheErrorAndLeavesNoWaiterBehind() throws Exception {
        table.failAcquires = true;
        assertThatThrownBy(() -> locks.acquire(cmd("a"), Duration.ofMinutes(1)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(locks.waitingCallers()).isZero();
        table.failAcquires = false;
        assertThat(locks.acquire(cmd("a"), Duration.ofMinutes(1)).get().fencingToken())
                .isEqualTo(1);
        assertThat(scheduler.pending()).isZero(); // granted at once: no timeout or poll left scheduled
    }

    @Test
    void aFullReplicaStillGrantsAFreeKeyAndAShortWaitStillTriesTheStoreOnce() throws Exception {
        LockCoordinator none = coordinator(new LockSettings(
                TTL,
                Duration.ofSeconds(1),
                Duration.ofHours(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                0,
                0)); // max-waiters 0: nobody may queue
        Lease lease = none.acquire(cmd("a"), Duration.ofMinutes(1)).get();
        assertThatThrownBy(() -> none.acquire(cmd("b"), Duration.ofMinutes(1)))
                .isInstanceOf(TooManyWaitersException.class);
        none.release(KEY, lease.leaseId());
        // A wait of 1 ms that is over before its first try (every reading of this clock moves it 1 ms on):
        // the try is still made, like an acquire that does not wait, and it wins the free key.
        clock.tickOnEveryRead(Duration.ofMillis(1));
        Lease c = locks.acquire(cmd("c"), Duration.ofMillis(1)).get();
        clock.tickOnEveryRead(Duration.ZERO);
        assertThat(c.fencingToken()).isEqualTo(lease.fencingToken() + 1);
        assertThat(locks.describe(KEY).owner()).isEqualTo("c");
    }

    @Test
    void oneStorePollPerIntervalHoweverManyWait() throws Exception {
        acquireNow("holder");
        for (int i = 0; i < 50; i++) locks.acquire(cmd("w" + i), Duration.ofMinutes(5));
        int before = table.acquires.get();
        scheduler.advance(5_000); // holder's ttl is 10 s: five poll intervals pass
        int polls = table.acquires.get() - before;
        assertThat(polls).isBetween(4, 7);
    }

    @Test
    void aWaiterGetsTheKeyWhenTheHoldersLeaseExpires() throws Exception {
        Lease holder = acquireNow("holder");
        CompletableFuture<Lease> waiter = locks.acquire(cmd("next"), Duration.ofMinutes(1));
        scheduler.advance(TTL.toMillis() + SKEW_MS);
        assertThat(waiter).isNotDone();
        scheduler.advance(1);
        assertThat(waiter.get().fencingToken()).isEqualTo(holder.fencingToken() + 1);
    }

    @Test
    void aWaitThatEndsWithoutTheLockFailsWithTheHolder() {
        acquireNowUnchecked("holder");
        CompletableFuture<Lease> waiter = locks.acquire(cmd("late"), Duration.ofSeconds(3));
        scheduler.advance(3_000);
        assertThat(waiter).isCompletedExceptionally();
        assertThatThrownBy(waiter::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        LockHeldException.class,
                        e -> assertThat(e.holder().owner()).isEqualTo("holder"));
        assertThat(locks.waitingCallers()).isZero();
    }

    @Test
    void aWaiterCancelledAtTheMomentOfItsGrantDoesNotKeepTheLock() throws Exception {
        Lease holder = acquireNow("holder");
        CompletableFuture<Lease> first = locks.acquire(cmd("gone"), Duration.ofMinutes(1));
        CompletableFuture<Lease> second = locks.acquire(cmd("next"), Duration.ofMinutes(1));
        // The caller goes away right after the store granted its acquire, before delivery.
        table.afterAcquire = () -> {
            table.afterAcquire = () -> {};
            first.cancel(false);
        };
        locks.release(KEY, holder.leaseId());
        scheduler.runDue();
        assertThat(first).isCancelled();
        Lease lease = second.get();
        assertThat(locks.describe(KEY).owner()).isEqualTo("next");
        assertThat(lease.fencingToken()).isEqualTo(3); // token 2 went to the vanished caller and was released
    }

    @Test
    void whenTheVanishedWaitersLeaseCannotBeReleasedTheNextWaiterGetsTheKeyAtItsExpiry() throws Exception {
        Lease holder = acquireNow("holder");
        CompletableFuture<Lease> first = locks.acquire(cmd("gone"), Duration.ofMinutes(5));
        CompletableFuture<Lease> second = locks.acquire(cmd("next"), Duration.ofMinutes(5));
        table.afterAcquire = () -> {
            table.afterAcquire = () -> {};
            first.cancel(false);
            table.failReleases = true; // the store throttles the release of the vanished waiter's lease
        };
        locks.release(KEY, holder.leaseId());
        scheduler.runDue();
        table.failReleases = false;
        assertThat(second).as("held by the orphaned lease until it expires").isNotDone();
        assertThat(locks.describe(KEY).fencingToken()).isEqualTo(2);
        // The queue is not stuck: the poller comes back when the orphaned lease becomes takeable.
        scheduler.advance(TTL.toMillis() + SKEW_MS + 1);
        assertThat(second.get().fencingToken()).isEqualTo(3);
        assertThat(locks.describe(KEY).owner()).isEqualTo("next");
    }

    @Test
    void aWaiterWhoseWaitIsOverIsNeverGrantedEvenBeforeItsTimeoutTaskRuns() throws Exception {
        Lease holder = acquireNow("holder");
        CompletableFuture<Lease> late = locks.acquire(cmd("late"), Duration.ofSeconds(3));
        CompletableFuture<Lease> next = locks.acquire(cmd("next"), Duration.ofMinutes(5));
        clock.advance(
                Duration.ofMillis(3_000)); // time passes but the scheduler has not run the timeout yet (a busy machine)
        locks.releaseThen(KEY, holder.leaseId(), LeaseOwner.ANYONE, outcome -> {});
        assertThat(late).isCompletedExceptionally();
        assertThatThrownBy(late::get).cause().isInstanceOf(LockHeldException.class);
        assertThat(next.get().fencingToken()).isEqualTo(2);
        assertThat(locks.describe(KEY).owner()).isEqualTo("next");
    }

    @Test
    void cancelledWaitersLeaveTheQueue() throws Exception {
        Lease holder = acquireNow("holder");
        CompletableFuture<Lease> a = locks.acquire(cmd("a"), Duration.ofMinutes(1));
        CompletableFuture<Lease> b = locks.acquire(cmd("b"), Duration.ofMinutes(1));
        a.cancel(false);
        assertThat(locks.waitingCallers()).isEqualTo(1);
        locks.release(KEY, holder.leaseId());
        scheduler.runDue();
        assertThat(b.get().fencingToken()).isEqualTo(2);
    }

    @Test
    void tooManyWaitersAreRefusedAndShutdownFailsTheRest() {
        LockCoordinator small = coordinator(new LockSettings(
                TTL, Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 0));
        acquireNowUnchecked("holder");
        CompletableFuture<Lease> a = small.acquire(cmd("a"), Duration.ofMinutes(1));
        small.acquire(cmd("b"), Duration.ofMinutes(1));
        assertThatThrownBy(() -> small.acquire(cmd("c"), Duration.ofMinutes(1)))
                .isInstanceOf(TooManyWaitersException.class);
        small.shutdown();
        assertThatThrownBy(a::get).cause().isInstanceOf(ShuttingDownException.class);
    }

    @Test
    void badInputNamesTheField() {
        assertThatThrownBy(() -> new LockKey("/abs")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new LockKey("a//b")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new LockKey("a/../b")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new LockKey("a b")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new LockKey("x".repeat(513))).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> new AcquireCommand(KEY, "", null, null, ""))
                .isInstanceOfSatisfying(
                        InvalidArgumentException.class,
                        e -> assertThat(e.violations())
                                .extracting(InvalidArgumentException.Violation::field)
                                .contains("owner"));
        assertThatThrownBy(() ->
                        locks.acquire(new AcquireCommand(KEY, "o", Duration.ofMillis(10), null, ""), Duration.ZERO))
                .isInstanceOfSatisfying(
                        InvalidArgumentException.class,
                        e -> assertThat(e.violations().get(0).field()).isEqualTo("ttl"));
        assertThatThrownBy(() -> new LockInfo("", "", "", "", "x".repeat(5000), Map.of()))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> locks.list("", 0, "garbage!", false)).isInstanceOf(InvalidArgumentException.class);
    }

    private void acquireNowUnchecked(String owner) {
        try {
            acquireNow(owner);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
