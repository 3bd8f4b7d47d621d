package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's own lease mechanics against a scripted in-process service. */
class LeaseBehaviourTest {
    private FakeLockService service;
    private Server server;
    private GrpcStatelockClient client;

    @org.junit.jupiter.api.BeforeAll
    static void warmUp() throws Exception {
        // Load gRPC's classes once, so the first timing-sensitive test does not pay for it.
        LeaseBehaviourTest t = new LeaseBehaviourTest();
        t.start();
        try (Lease lease = t.client.locks().acquire("warm-up", t.opts())) {
            Thread.sleep(500);
        } finally {
            t.stop();
        }
    }

    @BeforeEach
    void start() throws Exception {
        service = new FakeLockService();
        service.ttlMillis = TTL_MS;
        String name = InProcessServerBuilder.generateName();
        server =
                InProcessServerBuilder.forName(name).addService(service).build().start();
        client = new GrpcStatelockClient(
                InProcessChannelBuilder.forName(name).build(),
                true,
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                System::nanoTime);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Long enough that a loaded 2-core CI machine cannot delay one renewal past the safety margin. */
    private static final long TTL_MS = 3000;

    private AcquireOptions opts() {
        return AcquireOptions.builder()
                .ttl(Duration.ofMillis(TTL_MS))
                .owner("test")
                .build();
    }

    @Test
    void renewsOverTheStreamAtAThirdOfTheTtl() throws Exception {
        try (Lease lease = client.locks().acquire("k", opts())) {
            assertEquals(42, lease.fencingToken());
            assertEquals("lease-1", lease.leaseId());
            Thread.sleep(TTL_MS * 5 / 2); // 2.5 ttls: without renewals the lease would be lost
            assertTrue(lease.isValid(), "renewed lease stays valid past its ttl");
            int renewals = service.streamRenewals.get();
            // every ttl/3 over 2.5 ttls: ~7 renewals; allow for scheduling noise
            assertTrue(renewals >= 5 && renewals <= 9, "stream renewals: " + renewals);
            assertEquals(0, service.unaryRenewals.get(), "no unary fallback while the stream works");
        }
        assertEquals(1, service.releases.get());
    }

    @Test
    void leaseLostFromTheServiceCallsOnLostWithTheNewHolder() throws Exception {
        Lease lease = client.locks().acquire("k", opts());
        CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();
        lease.onLost(lost::complete);
        service.renewMode = FakeLockService.Mode.LOST;
        LeaseLostException e = lost.get(TTL_MS * 2, TimeUnit.MILLISECONDS);
        assertFalse(lease.isValid());
        assertEquals("FAILED_PRECONDITION", e.code(), e.getMessage());
        assertNotNull(e.current());
        assertEquals("ci@runner-7", e.current().owner());
        // registered after the loss: runs at once
        CompletableFuture<LeaseLostException> late = new CompletableFuture<>();
        lease.onLost(late::complete);
        assertNotNull(late.get(1, TimeUnit.SECONDS));
        lease.close();
    }

    @Test
    void silentServiceMeansLostByTheClientClockBeforeTheTtl() throws Exception {
        Lease lease = client.locks().acquire("k", opts());
        Thread.sleep(300);
        CompletableFuture<Long> lostAt = new CompletableFuture<>();
        lease.onLost(e -> lostAt.complete(System.nanoTime()));
        service.renewMode = FakeLockService.Mode.HANG;
        // The last renewal that can succeed was sent before now; the lease must be lost before
        // now + ttl, minus the 250 ms minimum margin.
        long hangFrom = System.nanoTime();
        long at = lostAt.get(TTL_MS * 2, TimeUnit.MILLISECONDS);
        long afterHang = TimeUnit.NANOSECONDS.toMillis(at - hangFrom);
        assertTrue(afterHang < TTL_MS - 250 + 60, "lost " + afterHang + " ms after the service went silent");
        assertFalse(lease.isValid());
        lease.close();
    }

    @Test
    void unavailableServiceFallsBackToUnaryAndThenLosesTheLease() throws Exception {
        Lease lease = client.locks().acquire("k", opts());
        CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();
        lease.onLost(lost::complete);
        service.renewMode = FakeLockService.Mode.UNAVAILABLE;
        LeaseLostException e = lost.get(TTL_MS * 2, TimeUnit.MILLISECONDS);
        assertEquals("CLIENT", e.code(), "lost by the client's clock, not by a service answer");
        assertNull(e.current());
        lease.close(); // lost: close does not throw even though release may fail
    }

    @Test
    void keepAliveUnimplementedUsesUnaryHeartbeats() throws Exception {
        service.keepAliveUnimplemented = true;
        try (Lease lease = client.locks().acquire("k", opts())) {
            Thread.sleep(TTL_MS * 5 / 2);
            assertTrue(lease.isValid());
            assertTrue(service.unaryRenewals.get() >= 5, "unary renewals: " + service.unaryRenewals.get());
        }
    }

    @Test
    void closeReleasesOnce() {
        Lease lease = client.locks().acquire("k", opts());
        lease.close();
        lease.close();
        assertEquals(1, service.releases.get());
        assertFalse(lease.isValid());
    }

    @Test
    void unavailableAcquireIsRetriedWithTheSameRequestId() {
        service.acquireFailuresLeft.set(2);
        try (Lease lease = client.locks().acquire("k", opts())) {
            assertEquals(42, lease.fencingToken());
        }
        assertEquals(3, service.acquireRequestIds.size());
        assertEquals(1, Set.copyOf(service.acquireRequestIds).size(), "one id for every attempt of one call");
        assertFalse(service.acquireRequestIds.get(0).isEmpty());
    }

    /** One options constant, many calls: each call has its own id, which only its own retries reuse. */
    @Test
    void eachAcquireCallHasItsOwnRequestIdWhichItsRetriesReuse() {
        AcquireOptions shared = opts();
        service.acquireFailuresLeft.set(1); // the first call's first attempt fails: it is retried
        client.locks().acquire("k", shared).close();
        client.locks().acquireDetached("k", shared);
        client.locks().tryAcquire("k", shared).orElseThrow().close();
        client.locks().withLock("k", shared, lease -> lease.fencingToken());
        List<String> ids = service.acquireRequestIds;
        assertEquals(5, ids.size(), "attempts: " + ids);
        assertEquals(ids.get(0), ids.get(1), "the retry of the first call reuses its id");
        assertEquals(4, Set.copyOf(ids).size(), "four calls, four ids: " + ids);
        assertNull(shared.requestId(), "the options carry no id of their own");
    }

    @Test
    void anExplicitRequestIdIsSentByEveryCallWithThoseOptions() {
        AcquireOptions resumed = AcquireOptions.builder()
                .ttl(Duration.ofMillis(TTL_MS))
                .requestId("pipeline-run-17")
                .build();
        client.locks().acquireDetached("k", resumed);
        client.locks().acquireDetached("k", resumed);
        assertEquals(List.of("pipeline-run-17", "pipeline-run-17"), service.acquireRequestIds);
    }

    @Test
    void tryAcquireOfAHeldKeyIsEmptyAndOtherErrorsStillThrow() {
        service.lockHeld = true;
        assertTrue(client.locks().tryAcquire("k", opts()).isEmpty());
        service.lockHeld = false;
        service.acquireFailuresLeft.set(1000);
        assertThrows(StatelockUnavailableException.class, () -> client.locks().tryAcquire("k", opts()));
    }

    @Test
    void withLockReturnsTheBodysResultAndReleases() {
        long token = client.locks().withLock("k", opts(), lease -> {
            assertTrue(lease.isValid());
            return lease.fencingToken();
        });
        assertEquals(42, token);
        assertEquals(1, service.releases.get());
    }

    @Test
    void withLockThrowsTheBodysCheckedExceptionAfterReleasing() {
        java.io.IOException e = assertThrows(
                java.io.IOException.class,
                () -> client.locks().withLock("k", opts(), () -> {
                    throw new java.io.IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertEquals(1, service.releases.get());
        assertEquals(0, e.getSuppressed().length, "a clean release adds nothing");
    }

    @Test
    void withLockDoesNotTurnAFailedReleaseAfterGoodWorkIntoAnError() {
        service.releaseMode = FakeLockService.Mode.UNAVAILABLE;
        assertEquals("done", client.locks().withLock("k", opts(), lease -> "done"));
        assertTrue(service.releases.get() >= 2, "the release was retried: " + service.releases.get());
    }

    @Test
    void withLockReportsALeaseTheServiceNoLongerHeldAtRelease() {
        service.releaseMode = FakeLockService.Mode.LOST;
        LeaseLostException e =
                assertThrows(LeaseLostException.class, () -> client.locks().withLock("k", opts(), lease -> "done"));
        assertTrue(e.getMessage().contains("no longer held"), e.getMessage());
    }

    @Test
    void aReleaseRetriedAfterALostAnswerThatFindsTheLeaseGoneIsNoLoss() {
        service.releaseFailuresLeft.set(1); // as if the first release took effect and its answer was lost
        service.releaseMode = FakeLockService.Mode.LOST;
        assertEquals("done", client.locks().withLock("k", opts(), lease -> "done"));
        assertEquals(2, service.releases.get());
    }

    @Test
    void withLockReportsALeaseLostWhileTheBodyRan() {
        LeaseLostException e = assertThrows(
                LeaseLostException.class,
                () -> client.locks().withLock("k", opts(), lease -> {
                    CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();
                    lease.onLost(lost::complete);
                    service.renewMode = FakeLockService.Mode.LOST;
                    lost.get(TTL_MS * 2, TimeUnit.MILLISECONDS);
                    return "done, too late";
                }));
        assertEquals("FAILED_PRECONDITION", e.code(), e.getMessage());
        assertNotNull(e.current(), "the new holder, as the service reported it");
    }

    @Test
    void aBodyFailureAfterTheLeaseWasLostCarriesTheLossAsSuppressed() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> client.locks().withLock("k", opts(), lease -> {
                    CompletableFuture<LeaseLostException> lost = new CompletableFuture<>();
                    lease.onLost(lost::complete);
                    service.renewMode = FakeLockService.Mode.LOST;
                    lost.get(TTL_MS * 2, TimeUnit.MILLISECONDS);
                    throw new IllegalStateException("gave up");
                }));
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0] instanceof LeaseLostException);
    }

    @Test
    void unavailableBeyondTheRetryBudgetIsReported() {
        service.acquireFailuresLeft.set(1000);
        StatelockUnavailableException e = assertThrows(
                StatelockUnavailableException.class, () -> client.locks().acquire("k", opts()));
        assertEquals("UNAVAILABLE", e.code());
        assertTrue(service.acquireRequestIds.size() >= 3, "retried: " + service.acquireRequestIds.size());
    }

    @Test
    void lockHeldCarriesTheHolder() {
        service.lockHeld = true;
        LockHeldException e =
                assertThrows(LockHeldException.class, () -> client.locks().acquire("k", opts()));
        assertEquals("ci@runner-7", e.holder().owner());
        assertEquals("apply", e.holder().operation());
        assertEquals(41, e.holder().fencingToken());
        assertEquals("prod", e.holder().labels().get("env"));
        assertEquals(1, service.acquireRequestIds.size(), "ABORTED is not retried");
    }
}
