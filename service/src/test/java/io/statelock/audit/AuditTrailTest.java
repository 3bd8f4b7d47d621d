package io.statelock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.common.StoreUnavailableException;
import io.statelock.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batching trail against an in-memory store that can be held up or made to fail. */
class AuditTrailTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    static final Caller CI = new Caller(
            "repo:acme/network:ref:refs/heads/main",
            Map.of("repository", "acme/network", "ref", "refs/heads/main", "secret_thing", "x"),
            Long.MAX_VALUE,
            false,
            false);

    /** Records appends; can block them on a latch or fail them. */
    static final class FakeStore implements AuditStore {
        final List<List<AuditEntry>> batches = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile boolean failing;

        @Override
        public void append(List<AuditEntry> entries) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) throw new StoreUnavailableException("down", null);
            batches.add(List.copyOf(entries));
        }

        @Override
        public AuditPage query(AuditQuery query) {
            return new AuditPage(
                    batches.stream()
                            .flatMap(List::stream)
                            .filter(query::matches)
                            .toList(),
                    "");
        }

        int written() {
            return batches.stream().mapToInt(List::size).sum();
        }
    }

    FakeStore store = new FakeStore();
    AuditTrail trail;

    @AfterEach
    void close() {
        store.gate = new CountDownLatch(0);
        if (trail != null) trail.close(Duration.ofSeconds(5));
    }

    AuditEntry entry(String key) {
        return trail.entry(CI, "127.0.0.1:1234", AuditAction.ACQUIRE, key)
                .outcome(AuditOutcome.GRANTED)
                .fencingToken(7)
                .build();
    }

    @Test
    void entriesCarryTheRelevantClaimsOnly() {
        trail = new AuditTrail(store, CLOCK, 10, 10, Duration.ofSeconds(1));
        AuditEntry e = entry("teams/a/k");

        assertThat(e.atMs()).isEqualTo(1_700_000_000_000L);
        assertThat(e.subject()).isEqualTo(CI.subject());
        assertThat(e.claims()).containsOnlyKeys("repository", "ref");
        assertThat(entry("k").id()).isGreaterThan(e.id()); // same millisecond: ids sort in the order made
    }

    @Test
    void queuedRecordsAreWrittenInBatchesAndFlushWaitsForThem() {
        trail = new AuditTrail(store, CLOCK, 100, 10, Duration.ofSeconds(1));
        store.gate = new CountDownLatch(1);
        for (int i = 0; i < 25; i++) trail.record(entry("k/" + i));

        assertThat(trail.flush(Duration.ofMillis(200))).isFalse(); // the store is held up
        store.gate.countDown();
        assertThat(trail.flush(Duration.ofSeconds(5))).isTrue();

        assertThat(store.written()).isEqualTo(25);
        assertThat(store.batches).allSatisfy(b -> assertThat(b.size()).isBetween(1, 10));
        assertThat(store.batches.size()).isLessThan(25); // batched, not one write per record
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlocking() {
        trail = new AuditTrail(store, CLOCK, 2, 1, Duration.ofSeconds(1));
        store.gate = new CountDownLatch(1);
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) trail.record(entry("k/" + i));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(tookMs).isLessThan(2_000);
        // At most: one batch in the flusher's hands + 2 queued.
        assertThat(trail.dropped()).isGreaterThanOrEqualTo(17);
        store.gate.countDown();
        assertThat(trail.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(store.written() + trail.dropped()).isEqualTo(20);
    }

    @Test
    void recordNowIsStoredBeforeItReturnsAndFallsBackToTheQueue() {
        trail = new AuditTrail(store, CLOCK, 10, 10, Duration.ofSeconds(30));
        trail.recordNow(entry("forced"));
        assertThat(store.written()).isEqualTo(1);

        store.failing = true;
        trail.recordNow(entry("forced-2")); // the store is down: queued for retry, not thrown
        assertThat(store.written()).isEqualTo(1);
        store.failing = false;
        assertThat(trail.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(store.written()).isEqualTo(2);
    }

    @Test
    void aBatchIsGivenUpAfterItsRetryBudgetAndCounted() {
        trail = new AuditTrail(store, CLOCK, 10, 10, Duration.ofMillis(300));
        store.failing = true;
        trail.record(entry("k"));

        assertThat(trail.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(store.written()).isZero();
        assertThat(trail.dropped()).isEqualTo(1);
    }

    @Test
    void closeWritesWhatIsQueued() {
        trail = new AuditTrail(store, CLOCK, 100, 10, Duration.ofSeconds(1));
        for (int i = 0; i < 30; i++) trail.record(entry("k/" + i));
        trail.close(Duration.ofSeconds(5));

        assertThat(store.written()).isEqualTo(30);
        trail.record(entry("late")); // after close: logged, counted, not stored
        assertThat(trail.dropped()).isEqualTo(1);
        trail = null;
    }
}
