package io.statelock.lock.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link LockTable} must have (docs/design.md#stores: every store passes one shared
 * contract suite). Each test uses keys of its own, so several suites may share one table.
 */
public abstract class LockTableContract {
    /** Service-clock times are plain numbers to the store: tests pick them. */
    protected static final long T0 = 1_800_000_000_000L;

    protected static final LockInfo INFO = new LockInfo(
            "OperationTypeApply",
            "ci@runner-7",
            "1.9.0",
            "prod/network/terraform.tfstate",
            "",
            Map.of("pipeline", "42", "team", "net", "blank", ""));

    /** The store under test; the same instance for every call within one test. */
    protected abstract LockTable table();

    /** A segment no other test (or earlier run on a persistent table) uses. */
    protected final String unique =
            "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    protected LockKey key(String name) {
        return new LockKey(unique + "/" + name);
    }

    protected static NewLease lease(LockKey key, String leaseId, long nowMs, long ttlMs) {
        return new NewLease(key, leaseId, "owner-" + leaseId, INFO, nowMs, ttlMs, "req-" + leaseId);
    }

    /** A heartbeat by anyone (authentication off). */
    protected HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs) {
        return table().heartbeat(key, leaseId, nowMs, ttlMs, LeaseOwner.ANYONE);
    }

    /** A release by anyone (authentication off). */
    protected ReleaseResult release(LockKey key, String leaseId) {
        return table().release(key, leaseId, LeaseOwner.ANYONE);
    }

    /** The owner check of a caller under jwt: {@code owner}'s leases, acquired no later than {@code acquiredBy}. */
    protected static LeaseOwner owner(String owner, long acquiredBy) {
        return new LeaseOwner(owner, acquiredBy, (leaseId, current) -> {});
    }

    protected static LockRecord granted(AcquireResult result) {
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) result).record();
    }

    // ---------------------------------------------------------------- acquire

    @Test
    void firstAcquireGetsCounterOneAndTheGrantedRecord() {
        LockKey key = key("first");
        AcquireResult result = table().acquire(lease(key, "lease-a", T0, 30_000), T0 - 1_000);

        AcquireResult.Granted g = (AcquireResult.Granted) result;
        assertThat(g.record())
                .isEqualTo(new LockRecord(
                        key, 1, "lease-a", "owner-lease-a", INFO, T0, T0 + 30_000, 30_000, "req-lease-a"));
        assertThat(g.previous().hasLease()).isFalse();
        assertThat(g.previous().fenceCounter()).isZero();
        assertThat(table().get(key)).contains(g.record());
    }

    @Test
    void secondAcquireWhileLiveIsHeldAndNamesTheHolder() {
        LockKey key = key("held");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 30_000), T0 - 1_000));

        AcquireResult second = table().acquire(lease(key, "lease-b", T0 + 10, 30_000), T0 + 10 - 1_000);

        assertThat(second).isInstanceOf(AcquireResult.Held.class);
        LockRecord holder = ((AcquireResult.Held) second).holder();
        assertThat(holder).isEqualTo(first);
        assertThat(holder.owner()).isEqualTo("owner-lease-a");
        assertThat(holder.requestId()).isEqualTo("req-lease-a");
        assertThat(holder.info()).isEqualTo(INFO);
        assertThat(table().get(key)).contains(first);
    }

    @Test
    void takeoverOnlyWhenTheLeaseExpiredBeforeTakeoverBefore() {
        LockKey key = key("takeover");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 1_000), T0 - 1_000));
        long expires = first.expiresAtMs();

        // expiresAt == takeoverBefore is not "before": still held.
        assertThat(table().acquire(lease(key, "lease-b", expires + 1_000, 5_000), expires))
                .isInstanceOf(AcquireResult.Held.class);

        AcquireResult taken = table().acquire(lease(key, "lease-b", expires + 1_001, 5_000), expires + 1);
        AcquireResult.Granted g = (AcquireResult.Granted) taken;
        assertThat(g.previous()).isEqualTo(first);
        assertThat(g.record().fenceCounter()).isEqualTo(2);
        assertThat(g.record().leaseId()).isEqualTo("lease-b");
        assertThat(table().get(key)).contains(g.record());
    }

    @Test
    void takeoverReplacesOwnerInfoAndClearsAnEmptyRequestId() {
        LockKey key = key("replace");
        granted(table().acquire(lease(key, "lease-a", T0, 1_000), T0 - 1_000));

        NewLease bare = new NewLease(key, "lease-b", "", LockInfo.EMPTY, T0 + 5_000, 2_000, "");
        LockRecord taken = granted(table().acquire(bare, T0 + 4_000));

        LockRecord stored = table().get(key).orElseThrow();
        assertThat(stored).isEqualTo(taken);
        assertThat(stored.owner()).isEmpty();
        assertThat(stored.info()).isEqualTo(LockInfo.EMPTY);
        // An empty request id must never match the previous holder's in an idempotent-retry check.
        assertThat(stored.requestId()).isEmpty();
    }

    @Test
    void counterStrictlyIncreasesAcrossReleaseAndTakeover() {
        LockKey key = key("counter");
        long now = T0;
        long last = 0;
        for (int i = 0; i < 3; i++) {
            LockRecord r = granted(table().acquire(lease(key, "rel-" + i, now, 1_000), now - 1_000));
            assertThat(r.fenceCounter()).isGreaterThan(last);
            last = r.fenceCounter();
            assertThat(release(key, "rel-" + i)).isInstanceOf(ReleaseResult.Released.class);
            now += 10;
        }
        for (int i = 0; i < 3; i++) {
            // Each lease is left to expire and is taken over by the next.
            LockRecord r = granted(table().acquire(lease(key, "exp-" + i, now, 1_000), now - 1_000));
            assertThat(r.fenceCounter()).isGreaterThan(last);
            last = r.fenceCounter();
            now += 3_000;
        }
        assertThat(last).isEqualTo(6);
        assertThat(table().get(key).orElseThrow().fenceCounter()).isEqualTo(6);
    }

    // ---------------------------------------------------------------- heartbeat

    @Test
    void heartbeatExtendsTheLeaseWithANewTtl() {
        LockKey key = key("hb");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        HeartbeatResult result = heartbeat(key, "lease-a", T0 + 4_000, 20_000);

        LockRecord renewed = ((HeartbeatResult.Renewed) result).record();
        assertThat(renewed.expiresAtMs()).isEqualTo(T0 + 24_000);
        assertThat(renewed.ttlMs()).isEqualTo(20_000);
        assertThat(renewed.fenceCounter()).isEqualTo(first.fenceCounter());
        assertThat(renewed.leaseId()).isEqualTo("lease-a");
        assertThat(renewed.acquiredAtMs()).isEqualTo(T0);
        assertThat(table().get(key)).contains(renewed);
    }

    @Test
    void heartbeatWithTtlZeroKeepsTheLeaseTtl() {
        LockKey key = key("hb0");
        granted(table().acquire(lease(key, "lease-a", T0, 7_000), T0 - 1_000));

        LockRecord renewed = ((HeartbeatResult.Renewed) heartbeat(key, "lease-a", T0 + 5_000, 0)).record();

        assertThat(renewed.expiresAtMs()).isEqualTo(T0 + 12_000);
        assertThat(renewed.ttlMs()).isEqualTo(7_000);
    }

    @Test
    void heartbeatAtTheExactExpiryStillRenews() {
        LockKey key = key("hbedge");
        granted(table().acquire(lease(key, "lease-a", T0, 1_000), T0 - 1_000));

        assertThat(heartbeat(key, "lease-a", T0 + 1_000, 1_000)).isInstanceOf(HeartbeatResult.Renewed.class);
    }

    @Test
    void heartbeatForAnotherLeaseIsLost() {
        LockKey key = key("hbother");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        HeartbeatResult result = heartbeat(key, "lease-b", T0 + 1_000, 10_000);

        assertThat(result).isEqualTo(new HeartbeatResult.Lost(first));
        assertThat(table().get(key)).contains(first);
    }

    @Test
    void heartbeatOnceExpiredIsLostEvenIfNobodyTookIt() {
        LockKey key = key("hbexpired");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 1_000), T0 - 1_000));

        HeartbeatResult result = heartbeat(key, "lease-a", T0 + 1_001, 1_000);

        assertThat(result).isEqualTo(new HeartbeatResult.Lost(first));
        assertThat(table().get(key)).contains(first);
    }

    @Test
    void heartbeatOnAnUnknownKeyIsLost() {
        LockKey key = key("hbnone");

        HeartbeatResult result = heartbeat(key, "lease-a", T0, 1_000);

        assertThat(result).isInstanceOf(HeartbeatResult.Lost.class);
        assertThat(((HeartbeatResult.Lost) result).current().hasLease()).isFalse();
        assertThat(table().get(key)).isEmpty();
    }

    @Test
    void heartbeatChecksTheOwnerInTheSameWrite() {
        LockKey key = key("hbowner");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        // The right lease id with another identity renews nothing.
        assertThat(table().heartbeat(key, "lease-a", T0 + 1_000, 10_000, owner("someone-else", Long.MAX_VALUE)))
                .isEqualTo(new HeartbeatResult.Lost(first));
        // An expired token of the owner is good only for a lease taken while it was valid.
        assertThat(table().heartbeat(key, "lease-a", T0 + 1_000, 10_000, owner("owner-lease-a", T0 - 1)))
                .isEqualTo(new HeartbeatResult.Lost(first));
        assertThat(table().get(key)).contains(first);

        HeartbeatResult own = table().heartbeat(key, "lease-a", T0 + 1_000, 0, owner("owner-lease-a", T0));
        assertThat(((HeartbeatResult.Renewed) own).record().expiresAtMs()).isEqualTo(T0 + 11_000);
        assertThat(table().heartbeat(key, "lease-a", T0 + 2_000, 0, owner("owner-lease-a", Long.MAX_VALUE)))
                .isInstanceOf(HeartbeatResult.Renewed.class);
    }

    @Test
    void releaseChecksTheOwnerInTheSameWrite() {
        LockKey key = key("relowner");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        assertThat(table().release(key, "lease-a", owner("someone-else", Long.MAX_VALUE)))
                .isEqualTo(new ReleaseResult.NotHeld(first));
        assertThat(table().release(key, "lease-a", owner("owner-lease-a", T0 - 1)))
                .isEqualTo(new ReleaseResult.NotHeld(first));
        assertThat(table().get(key)).contains(first);

        assertThat(table().release(key, "lease-a", owner("owner-lease-a", T0)))
                .isEqualTo(new ReleaseResult.Released(first));
        assertThat(table().get(key)).contains(first.freed());
    }

    // ---------------------------------------------------------------- release

    @Test
    void releaseReturnsThePreviousRecordAndKeepsTheCounter() {
        LockKey key = key("release");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        ReleaseResult released = release(key, "lease-a");

        assertThat(released).isEqualTo(new ReleaseResult.Released(first));
        LockRecord after = table().get(key).orElseThrow();
        assertThat(after).isEqualTo(first.freed());
        assertThat(after.hasLease()).isFalse();
        assertThat(after.fenceCounter()).isEqualTo(1);
        // Released twice: the second is a no-op.
        assertThat(release(key, "lease-a")).isEqualTo(new ReleaseResult.NotHeld(first.freed()));
        LockRecord next = granted(table().acquire(lease(key, "lease-b", T0 + 1, 10_000), T0 - 999));
        assertThat(next.fenceCounter()).isEqualTo(2);
    }

    @Test
    void releaseWithAnotherLeaseDoesNothing() {
        LockKey key = key("releasewrong");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        assertThat(release(key, "lease-b")).isEqualTo(new ReleaseResult.NotHeld(first));
        assertThat(release(key("never"), "lease-a"))
                .isEqualTo(new ReleaseResult.NotHeld(LockRecord.absent(key("never"))));
        assertThat(table().get(key)).contains(first);
        assertThat(table().get(key("never"))).isEmpty();
    }

    // ---------------------------------------------------------------- force release

    @Test
    void forceReleaseWithTheMatchingCounterBreaksTheLease() {
        LockKey key = key("force");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        ForceReleaseResult result = table().forceRelease(key, first.fenceCounter());

        assertThat(result).isEqualTo(new ForceReleaseResult.Broken(first));
        assertThat(table().get(key)).contains(first.freed());
        assertThat(heartbeat(key, "lease-a", T0 + 1, 10_000)).isInstanceOf(HeartbeatResult.Lost.class);
    }

    @Test
    void forceReleaseWithAnotherCounterIsAFenceMismatch() {
        LockKey key = key("forcemismatch");
        granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));
        release(key, "lease-a");
        LockRecord second = granted(table().acquire(lease(key, "lease-b", T0 + 1, 10_000), T0 - 999));

        ForceReleaseResult result = table().forceRelease(key, 1);

        assertThat(result).isEqualTo(new ForceReleaseResult.FenceMismatch(second));
        assertThat(table().get(key)).contains(second);
    }

    @Test
    void forceReleaseWithCounterZeroBreaksWhateverHoldsIt() {
        LockKey key = key("forcezero");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));

        assertThat(table().forceRelease(key, 0)).isEqualTo(new ForceReleaseResult.Broken(first));
        assertThat(table().get(key).orElseThrow().hasLease()).isFalse();
        LockRecord next = granted(table().acquire(lease(key, "lease-b", T0 + 1, 10_000), T0 - 999));
        assertThat(next.fenceCounter()).isEqualTo(2);
    }

    @Test
    void forceReleaseOfAFreeKeyIsNotHeld() {
        LockKey key = key("forcefree");
        LockRecord first = granted(table().acquire(lease(key, "lease-a", T0, 10_000), T0 - 1_000));
        release(key, "lease-a");

        assertThat(table().forceRelease(key, 0)).isEqualTo(new ForceReleaseResult.NotHeld(first.freed()));
        assertThat(table().forceRelease(key, 1)).isEqualTo(new ForceReleaseResult.NotHeld(first.freed()));

        ForceReleaseResult never = table().forceRelease(key("never"), 0);
        assertThat(never).isInstanceOf(ForceReleaseResult.NotHeld.class);
        assertThat(((ForceReleaseResult.NotHeld) never).current().fenceCounter())
                .isZero();
        assertThat(table().get(key("never"))).isEmpty();
    }

    // ---------------------------------------------------------------- get and info

    @Test
    void getOfAnUnknownKeyIsEmpty() {
        assertThat(table().get(key("unknown"))).isEmpty();
    }

    @Test
    void infoWithLabelsRoundTrips() {
        LockKey key = key("info");
        LockInfo info = new LockInfo(
                "apply",
                "",
                "1.9.0",
                "",
                "free text: ünïcode ✓",
                Map.of("env", "prod", "run", "https://ci.example/run/7", "empty", ""));
        NewLease l = new NewLease(key, "lease-a", "ci", info, T0, 10_000, "r-1");

        granted(table().acquire(l, T0 - 1_000));

        LockRecord stored = table().get(key).orElseThrow();
        assertThat(stored.info()).isEqualTo(info);
        assertThat(stored.info().labels()).containsEntry("empty", "").hasSize(3);
        assertThat(((AcquireResult.Held) table().acquire(lease(key, "b", T0, 1_000), T0 - 1_000))
                        .holder()
                        .info())
                .isEqualTo(info);
    }

    // ---------------------------------------------------------------- list

    @Test
    void listByPrefixWithSlashReturnsOnlyThoseKeysInOrder() {
        for (String name : List.of("dir/b", "dir/a", "dir/c/deep", "dirx/a", "other/a")) {
            granted(table().acquire(lease(key(name), "l-" + name.replace('/', '-'), T0, 10_000), T0 - 1_000));
        }
        release(key("dir/b"), "l-dir-b");

        RecordPage page = table().list(unique + "/dir/", 100, "");

        assertThat(page.records())
                .extracting(r -> r.key().value())
                .containsExactly(unique + "/dir/a", unique + "/dir/b", unique + "/dir/c/deep");
        assertThat(page.records().get(1).hasLease()).isFalse(); // free keys are listed too
        assertThat(page.records().get(0).owner()).isEqualTo("owner-l-dir-a");
        assertThat(page.records().get(0).info()).isEqualTo(INFO);
        assertThat(page.nextPageToken()).isEmpty();

        assertThat(table().list(unique + "/dir", 100, "").records()).hasSize(4);
        assertThat(table().list(unique + "/nothing/", 100, "").records()).isEmpty();
    }

    @Test
    void listByPrefixWithoutSlash() {
        String top = unique + "top";
        for (String name : List.of("-b", "-a", "/x", "-c/y")) {
            LockKey k = new LockKey(top + name);
            granted(table().acquire(lease(k, "l" + name.replace('/', '-'), T0, 10_000), T0 - 1_000));
        }

        RecordPage page = table().list(top, 100, "");

        assertThat(page.records())
                .extracting(r -> r.key().value())
                .containsExactly(top + "-a", top + "-b", top + "-c/y", top + "/x");
        assertThat(table().list(top + "-", 100, "").records()).hasSize(3);
        assertThat(table().list(unique + "nomatch", 100, "").records()).isEmpty();
    }

    @Test
    void pagingWithSlashVisitsEveryRecordOnce() {
        pageThrough(unique + "/many/", 23, 5);
    }

    @Test
    void pagingWithoutSlashVisitsEveryRecordOnce() {
        pageThrough(unique + "many", 23, 5);
    }

    private void pageThrough(String prefix, int count, int limit) {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < count; i++) {
            LockKey k = new LockKey(prefix + String.format("k%03d", i));
            expected.add(k.value());
            granted(table().acquire(lease(k, "l" + i, T0, 10_000), T0 - 1_000));
        }
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            RecordPage page = table().list(prefix, limit, token);
            pages++;
            assertThat(pages).as("pages").isLessThanOrEqualTo(count);
            List<String> keys =
                    page.records().stream().map(r -> r.key().value()).toList();
            assertThat(keys).isSorted();
            assertThat(keys.size()).isLessThanOrEqualTo(limit);
            if (!page.nextPageToken().isEmpty()) {
                assertThat(keys).as("a page before the last is full").hasSize(limit);
            }
            seen.addAll(keys);
            token = page.nextPageToken();
        } while (!token.isEmpty());

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
        assertThat(pages).isGreaterThanOrEqualTo((count + limit - 1) / limit);
    }

    @Test
    void aGarbagePageTokenIsAnInvalidArgument() {
        granted(table().acquire(lease(key("tok/a"), "l", T0, 10_000), T0 - 1_000));

        for (String prefix : List.of(unique + "/tok/", unique)) {
            assertThatThrownBy(() -> table().list(prefix, 10, "not a token!"))
                    .isInstanceOf(InvalidArgumentException.class)
                    .satisfies(e -> assertThat(((InvalidArgumentException) e).violations())
                            .extracting(InvalidArgumentException.Violation::field)
                            .containsExactly("page_token"));
        }
    }

    @Test
    void checkReadyPassesOnAWorkingStore() {
        table().checkReady();
        assertThat(table().get(key("ready"))).isEmpty();
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void racingAcquiresHaveExactlyOneWinnerPerRound() throws Exception {
        int threads = 16;
        int rounds = 50;
        LockKey key = key("race");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long lastCounter = 0;
            for (int round = 0; round < rounds; round++) {
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<AcquireResult>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String leaseId = "r" + round + "-t" + t;
                    long now = T0 + round;
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return table().acquire(lease(key, leaseId, now, 60_000), now - 1_000);
                    }));
                }
                List<LockRecord> winners = new ArrayList<>();
                List<LockRecord> holders = new ArrayList<>();
                for (Future<AcquireResult> f : results) {
                    AcquireResult r = f.get(60, TimeUnit.SECONDS);
                    if (r instanceof AcquireResult.Granted g) {
                        winners.add(g.record());
                    } else {
                        holders.add(((AcquireResult.Held) r).holder());
                    }
                }
                assertThat(winners).as("winners in round %d", round).hasSize(1);
                LockRecord winner = winners.get(0);
                assertThat(winner.fenceCounter())
                        .as("counter in round %d", round)
                        .isGreaterThan(lastCounter);
                lastCounter = winner.fenceCounter();
                // Every loser read the winner as holder (nobody released in between).
                assertThat(holders).allSatisfy(h -> assertThat(h.leaseId()).isEqualTo(winner.leaseId()));
                assertThat(release(key, winner.leaseId())).isInstanceOf(ReleaseResult.Released.class);
            }
            assertThat(lastCounter).isEqualTo(rounds);
        } finally {
            pool.shutdownNow();
        }
    }
}
