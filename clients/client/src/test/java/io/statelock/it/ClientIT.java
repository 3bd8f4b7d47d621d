package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statelock.client.AcquireOptions;
import io.statelock.client.ForceReleaseResult;
import io.statelock.client.InvalidRequestException;
import io.statelock.client.Lease;
import io.statelock.client.LeaseLostException;
import io.statelock.client.LockEvent;
import io.statelock.client.LockHeldException;
import io.statelock.client.LockState;
import io.statelock.client.Page;
import io.statelock.client.Watcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client library against the real packaged service (embedded store). */
class ClientIT extends PackagedServiceFixture {
    static String key(String name) {
        return "it/client/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static AcquireOptions opts(Duration ttl) {
        return AcquireOptions.builder()
                .ttl(ttl)
                .owner("ci@runner-7")
                .operation("apply")
                .label("env", "prod")
                .build();
    }

    @Test
    void acquireDescribeReleaseAndFencesGoUp() {
        String key = key("basic");
        long first;
        try (Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(5)))) {
            first = lease.fencingToken();
            assertTrue(first > 0);
            assertTrue(lease.isValid());
            LockState s = client.admin().describe(key);
            assertTrue(s.held());
            assertEquals("ci@runner-7", s.owner());
            assertEquals("apply", s.operation());
            assertEquals("prod", s.labels().get("env"));
            assertEquals(first, s.fencingToken());
            assertFalse(s.leaseIdHint().isEmpty());
            assertFalse(lease.leaseId().startsWith(s.leaseIdHint()), "hint must not be a prefix of the secret");
        }
        assertFalse(client.admin().describe(key).held(), "close() released the lock");
        try (Lease again = client.locks().acquire(key, opts(Duration.ofSeconds(5)))) {
            assertTrue(again.fencingToken() > first, "fence strictly increases");
        }
    }

    @Test
    void heldLockReportsTheHolder() {
        String key = key("held");
        try (Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(5)))) {
            LockHeldException e = assertThrows(
                    LockHeldException.class,
                    () -> client.locks()
                            .acquire(
                                    key,
                                    AcquireOptions.builder()
                                            .ttl(Duration.ofSeconds(5))
                                            .owner("other")
                                            .build()));
            assertNotNull(e.holder(), "LockHeld detail decoded");
            assertEquals("ci@runner-7", e.holder().owner());
            assertEquals("apply", e.holder().operation());
            assertEquals(lease.fencingToken(), e.holder().fencingToken());
        }
    }

    @Test
    void keepAliveHoldsTheLeasePastItsTtl() throws Exception {
        String key = key("keepalive");
        try (Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(3)))) {
            Thread.sleep(7000); // more than 2 ttls
            assertTrue(lease.isValid());
            assertThrows(
                    LockHeldException.class,
                    () -> client.locks()
                            .acquire(
                                    key,
                                    AcquireOptions.builder()
                                            .ttl(Duration.ofSeconds(2))
                                            .build()));
            assertEquals(lease.fencingToken(), client.admin().describe(key).fencingToken());
        }
    }

    @Test
    void waitingAcquireGetsTheLockWhenReleased() throws Exception {
        String key = key("wait");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Lease first = client.locks().acquire(key, opts(Duration.ofSeconds(5)));
            Future<Lease> waiter = pool.submit(() -> client.locks()
                    .acquire(
                            key,
                            AcquireOptions.builder()
                                    .ttl(Duration.ofSeconds(5))
                                    .waitTimeout(Duration.ofSeconds(20))
                                    .owner("waiter")
                                    .build()));
            Thread.sleep(1000);
            assertFalse(waiter.isDone(), "waits while held");
            long t0 = System.nanoTime();
            first.close();
            try (Lease second = waiter.get(10, TimeUnit.SECONDS)) {
                long handOffMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(second.fencingToken() > first.fencingToken());
                assertTrue(handOffMs < 3000, "hand-off took " + handOffMs + " ms");
                assertEquals("waiter", client.admin().describe(key).owner());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void waitingAcquireTimesOutWithLockHeld() {
        String key = key("wait-timeout");
        try (Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(5)))) {
            long t0 = System.nanoTime();
            assertThrows(
                    LockHeldException.class,
                    () -> client.locks()
                            .acquire(
                                    key,
                                    AcquireOptions.builder()
                                            .ttl(Duration.ofSeconds(5))
                                            .waitTimeout(Duration.ofMillis(1500))
                                            .build()));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 1400 && ms < 6000, "waited " + ms + " ms");
        }
    }

    @Test
    void forceReleaseLosesTheLeaseOnItsNextRenewal() throws Exception {
        String key = key("force");
        Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(3)));
        CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();
        lease.onLost(lost::complete);
        ForceReleaseResult r = client.admin().forceRelease(key, "test", lease.fencingToken());
        assertTrue(r.released());
        LeaseLostException e = lost.get(3, TimeUnit.SECONDS); // next renewal is due within ttl/3
        assertEquals("FAILED_PRECONDITION", e.code());
        assertFalse(lease.isValid());
        lease.close(); // does not throw
    }

    @Test
    void staleExpectedFenceDoesNotBreakTheLock() {
        String key = key("stale-fence");
        try (Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(5)))) {
            assertThrows(
                    LeaseLostException.class,
                    () -> client.admin().forceRelease(key, "test", lease.fencingToken() + 100));
            assertTrue(client.admin().describe(key).held());
        }
    }

    @Test
    void listByPrefixAndHeld() {
        String prefix = key("list") + "/";
        try (Lease a = client.locks().acquire(prefix + "a", opts(Duration.ofSeconds(5)))) {
            client.locks().acquire(prefix + "b", opts(Duration.ofSeconds(5))).close();
            List<LockState> all = client.admin().listAll(prefix, false);
            assertEquals(
                    List.of(prefix + "a", prefix + "b"),
                    all.stream().map(LockState::key).sorted().toList());
            List<LockState> held = client.admin().listAll(prefix, true);
            assertEquals(
                    List.of(prefix + "a"), held.stream().map(LockState::key).toList());
        }
    }

    @Test
    void listPagesFollowTheirTokens() {
        String prefix = key("pages") + "/";
        for (String name : List.of("a", "b", "c")) {
            client.locks().acquire(prefix + name, opts(Duration.ofSeconds(5))).close();
        }
        List<String> keys = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            Page<LockState> page = client.admin().list(prefix, false, 2, token);
            assertTrue(page.items().size() <= 2, "at most the page size: " + page);
            page.items().forEach(s -> keys.add(s.key()));
            token = page.nextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 10);
        assertEquals(
                List.of(prefix + "a", prefix + "b", prefix + "c"),
                keys.stream().sorted().toList());
        assertTrue(pages >= 2, "three keys in pages of two: " + pages);
    }

    @Test
    void watchSeesTheSnapshotThenAcquireAndRelease() throws Exception {
        String key = key("watch");
        client.locks().acquire(key, opts(Duration.ofSeconds(5))).close(); // the key exists: a snapshot of it
        BlockingQueue<LockEvent> events = new LinkedBlockingQueue<>();
        try (Watcher watcher = client.admin().watchKey(key, events::add)) {
            LockEvent snapshot = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(snapshot, "the watch begins with a snapshot");
            assertEquals(LockEvent.Type.SNAPSHOT, snapshot.type());
            assertFalse(snapshot.state().held());
            long token;
            try (Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(5)))) {
                token = lease.fencingToken();
                LockEvent acquired = next(events, LockEvent.Type.ACQUIRED);
                assertEquals(token, acquired.state().fencingToken());
                assertEquals("ci@runner-7", acquired.state().owner());
            }
            assertEquals(key, next(events, LockEvent.Type.RELEASED).state().key());
        }
    }

    /** The next event of {@code type}, skipping others (renewals). */
    private static LockEvent next(BlockingQueue<LockEvent> events, LockEvent.Type type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            LockEvent e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.type() == type) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within 10 s");
    }

    @Test
    void invalidKeyIsAnInvalidRequest() {
        InvalidRequestException e = assertThrows(
                InvalidRequestException.class,
                () -> client.locks().acquire("/bad/../key", opts(Duration.ofSeconds(5))));
        assertFalse(e.violations().isEmpty(), "BadRequest field violations decoded");
    }

    @Test
    void validateFence() {
        String key = key("validate");
        try (Lease lease = client.locks().acquire(key, opts(Duration.ofSeconds(5)))) {
            assertTrue(client.locks().validateFence(key, lease.fencingToken()));
            assertFalse(client.locks().validateFence(key, lease.fencingToken() - 1));
        }
    }
}
