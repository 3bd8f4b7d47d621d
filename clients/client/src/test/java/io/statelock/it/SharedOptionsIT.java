package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statelock.client.AcquireOptions;
import io.statelock.client.Lease;
import io.statelock.client.LeaseGrant;
import io.statelock.client.LeaseLostException;
import io.statelock.client.LockHeldException;
import io.statelock.client.LockState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One {@code AcquireOptions} constant shared across calls and threads, as Java code keeps it, against
 * the real packaged service: every call is its own acquire, so mutual exclusion and fencing hold.
 */
class SharedOptionsIT extends PackagedServiceFixture {
    /** Waits: the 8 threads below queue for the key in the service. */
    static final AcquireOptions SHARED = AcquireOptions.builder()
            .ttl(Duration.ofSeconds(10))
            .waitTimeout(Duration.ofSeconds(60))
            .owner("ci@shared-runner")
            .operation("apply")
            .build();
    /** Tries once. */
    static final AcquireOptions TRY_ONCE = AcquireOptions.builder()
            .ttl(Duration.ofSeconds(10))
            .owner("ci@shared-runner")
            .operation("apply")
            .build();

    static final int THREADS = 8;
    static final int ROUNDS = 5;

    @Test
    void eightThreadsSharingOneConstantHoldTheLockOneAtATimeWithIncreasingFences() throws Exception {
        String key = ClientIT.key("shared-constant");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        /** Fencing tokens in the order the holders got in (one holder at a time, so grant order). */
        List<Long> grants = new ArrayList<>();
        CyclicBarrier together = new CyclicBarrier(THREADS); // every round starts with all 8 racing
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        together.await(60, TimeUnit.SECONDS);
                        if ((thread + round) % 2 == 0) {
                            client.locks().withLock(key, SHARED, lease -> critical(lease, inside, mostInside, grants));
                        } else {
                            try (Lease lease = client.locks().acquire(key, SHARED)) {
                                critical(lease, inside, mostInside, grants);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, mostInside.get(), "at most one holder inside at a time");
        assertEquals(THREADS * ROUNDS, grants.size());
        assertEquals(THREADS * ROUNDS, grants.stream().distinct().count(), "distinct fencing tokens: " + grants);
        for (int i = 1; i < grants.size(); i++) {
            assertTrue(grants.get(i) > grants.get(i - 1), "fences strictly increase in grant order: " + grants);
        }
        assertFalse(client.admin().describe(key).held(), "every lease was released");
    }

    private static long critical(Lease lease, AtomicInteger inside, AtomicInteger mostInside, List<Long> grants)
            throws InterruptedException {
        int now = inside.incrementAndGet();
        mostInside.accumulateAndGet(now, Math::max);
        synchronized (grants) {
            grants.add(lease.fencingToken());
        }
        assertTrue(lease.isValid());
        Thread.sleep(5); // a little work, so an overlapping holder would be seen inside
        inside.decrementAndGet();
        return lease.fencingToken();
    }

    @Test
    void aSecondTryAcquireOfAHeldKeyWithTheSameConstantIsRefused() {
        String key = ClientIT.key("try-twice");
        Optional<Lease> first = client.locks().tryAcquire(key, TRY_ONCE);
        assertTrue(first.isPresent(), "the key was free");
        try (Lease holder = first.get()) {
            Optional<Lease> second = client.locks().tryAcquire(key, TRY_ONCE);
            assertTrue(second.isEmpty(), "refused while held, not handed the holder's lease: " + second);
            assertTrue(holder.isValid(), "the first lease is untouched");
            LockState s = client.admin().describe(key);
            assertTrue(s.held());
            assertEquals(holder.fencingToken(), s.fencingToken(), "the first lease is the only holder");
        }
        try (Lease next = client.locks().tryAcquire(key, TRY_ONCE).orElseThrow()) {
            assertTrue(next.fencingToken() > first.get().fencingToken(), "after the release the key is free again");
        }
    }

    @Test
    void acquiringTwiceInARowWithTheSameConstantRefusesTheSecond() {
        String key = ClientIT.key("twice-in-a-row");
        try (Lease first = client.locks().acquire(key, TRY_ONCE)) {
            LockHeldException held =
                    assertThrows(LockHeldException.class, () -> client.locks().acquire(key, TRY_ONCE));
            assertEquals(first.fencingToken(), held.holder().fencingToken());
            assertThrows(LockHeldException.class, () -> client.locks().acquireDetached(key, TRY_ONCE));
            assertEquals(first.fencingToken(), client.admin().describe(key).fencingToken());
        }
    }

    @Test
    void anExplicitRequestIdMakesASecondAcquireARetryOfTheFirst() {
        String key = ClientIT.key("explicit-request-id");
        AcquireOptions resumable = AcquireOptions.builder()
                .ttl(Duration.ofSeconds(10))
                .owner("ci@pipeline")
                .requestId("pipeline-4711-lock")
                .build();
        LeaseGrant first = client.locks().acquireDetached(key, resumable);
        LeaseGrant again = client.locks().acquireDetached(key, resumable); // what a re-run of the same step sends
        assertEquals(first.leaseId(), again.leaseId());
        assertEquals(first.fencingToken(), again.fencingToken());
        assertTrue(client.locks().release(key, first.leaseId()));
    }

    @Test
    void withLockThrowsLeaseLostWhenTheLockWasBrokenWhileTheBodyRan() {
        String key = ClientIT.key("broken-under-body");
        long[] token = new long[1];
        LeaseLostException e = assertThrows(
                LeaseLostException.class,
                () -> client.locks().withLock(key, TRY_ONCE, lease -> {
                    token[0] = lease.fencingToken();
                    assertTrue(client.admin()
                            .forceRelease(key, "test: broken while the body runs", lease.fencingToken())
                            .released());
                    return "work done without the lock for a while";
                }));
        assertTrue(e.getMessage().contains("lost before the locked work returned"), e.getMessage());
        try (Lease next = client.locks().acquire(key, TRY_ONCE)) {
            assertNotEquals(token[0], next.fencingToken());
            assertTrue(next.fencingToken() > token[0]);
        }
    }
}
