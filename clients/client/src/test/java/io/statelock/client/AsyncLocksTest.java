package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The async acquires against a scripted in-process service: completion, refusal, cancellation. */
class AsyncLocksTest {
    /** Long enough that a loaded 2-core CI machine cannot delay one renewal past the safety margin. */
    private static final long TTL_MS = 3000;
    /** How long a test waits for something that should happen at once. */
    private static final long PATIENCE_S = 10;

    private FakeLockService service;
    private Server server;
    private GrpcStatelockClient client;

    @BeforeEach
    void start() throws Exception {
        service = new FakeLockService();
        service.ttlMillis = TTL_MS;
        service.exclusive = true;
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

    private static AcquireOptions tryOnce() {
        return AcquireOptions.builder()
                .ttl(Duration.ofMillis(TTL_MS))
                .owner("test")
                .build();
    }

    @Test
    void twoThreadsRaceForOneKeyOneGetsTheLeaseTheOtherLockHeld() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<CompletableFuture<Lease>>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> {
                            awaitQuietly(go);
                            return client.locks().acquireAsync("k", tryOnce());
                        },
                        threads));
            }
            go.countDown();
            List<Lease> leases = new ArrayList<>();
            List<Throwable> refusals = new ArrayList<>();
            for (CompletableFuture<CompletableFuture<Lease>> call : calls) {
                CompletableFuture<Lease> future = call.get(PATIENCE_S, TimeUnit.SECONDS);
                try {
                    leases.add(future.get(PATIENCE_S, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    refusals.add(e.getCause());
                }
            }
            assertEquals(1, leases.size(), "one holder");
            assertEquals(1, refusals.size());
            LockHeldException held = assertInstanceOf(LockHeldException.class, refusals.get(0));
            assertEquals("ci@runner-7", held.holder().owner(), "the refusal names the holder");

            assertEquals(
                    Optional.empty(),
                    client.locks().tryAcquireAsync("k", tryOnce()).get(PATIENCE_S, TimeUnit.SECONDS));
            assertTrue(leases.get(0).isValid());
            leases.get(0).close();
            try (Lease next = client.locks()
                    .tryAcquireAsync("k", tryOnce())
                    .get(PATIENCE_S, TimeUnit.SECONDS)
                    .orElseThrow()) {
                assertTrue(next.isValid(), "free again after the release");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void cancellingAWaitingAcquireEndsTheWaitAndReleasesNothing() throws Exception {
        try (Lease holder = client.locks().acquire("k", tryOnce())) {
            service.parkWaiters = true;
            CompletableFuture<Lease> waiting = client.locks()
                    .acquireAsync(
                            "k",
                            AcquireOptions.builder()
                                    .ttl(Duration.ofMillis(TTL_MS))
                                    .waitTimeout(Duration.ofMinutes(5))
                                    .build());
            awaitTrue(() -> service.parked.get() == 1, "the acquire waits at the service");
            assertFalse(waiting.isDone());

            assertTrue(waiting.cancel(true));
            assertThrows(CancellationException.class, waiting::join);
            awaitTrue(() -> service.cancelledWaits.get() == 1, "the service saw the wait cancelled");
            Thread.sleep(200); // anything the cancellation would wrongly do happens by now
            assertEquals(0, service.releases.get(), "no release: the cancelled acquire held nothing");
            assertTrue(holder.isValid(), "the holder keeps its lease");
            assertEquals(2, service.acquireRequestIds.size(), "a cancelled wait is not retried");
        }
        assertEquals(1, service.releases.get(), "only the holder's own close released");
    }

    @Test
    void cancellingACompletedAcquireLeavesTheLeaseToTheCaller() throws Exception {
        CompletableFuture<Lease> future = client.locks().acquireAsync("k", tryOnce());
        Lease lease = future.get(PATIENCE_S, TimeUnit.SECONDS);
        assertFalse(future.cancel(true), "too late to cancel");
        Thread.sleep(200);
        assertTrue(lease.isValid());
        assertEquals(0, service.releases.get());
        lease.close();
        assertEquals(1, service.releases.get());
    }

    @Test
    void eachAsyncAcquireHasItsOwnRequestIdWhichItsRetriesReuse() throws Exception {
        AcquireOptions shared = tryOnce();
        service.acquireFailuresLeft.set(1); // the first call's first attempt fails: it is retried
        client.locks()
                .acquireAsync("k", shared)
                .get(PATIENCE_S, TimeUnit.SECONDS)
                .close();
        client.locks()
                .tryAcquireAsync("k", shared)
                .get(PATIENCE_S, TimeUnit.SECONDS)
                .orElseThrow()
                .close();
        List<String> ids = service.acquireRequestIds;
        assertEquals(3, ids.size(), "attempts: " + ids);
        assertEquals(ids.get(0), ids.get(1), "the retry reuses its call's id");
        assertNotEquals(ids.get(1), ids.get(2), "another call, another id");
    }

    /** The grant's answer crossed the cancel: the lease started for nobody is discarded, once. */
    @Test
    void aLeaseGrantedAfterTheCancelIsDiscarded() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch cancelled = new CountDownLatch(1);
            List<String> discarded = new CopyOnWriteArrayList<>();
            boolean[] waitWasCancelled = new boolean[1];
            CompletableFuture<String> future = AsyncAcquire.start(
                    executor,
                    () -> {
                        awaitQuietly(cancelled);
                        waitWasCancelled[0] = Context.current().isCancelled(); // what cancels the gRPC call
                        return "grant";
                    },
                    grant -> "lease from " + grant,
                    discarded::add);
            assertTrue(future.cancel(true));
            cancelled.countDown();
            awaitTrue(() -> discarded.size() == 1, "the late lease is discarded");
            assertEquals(List.of("lease from grant"), discarded);
            assertTrue(waitWasCancelled[0], "the wait's context was cancelled with the future");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aClosedClientFailsTheFuture() {
        client.close();
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> client.locks().acquireAsync("k", tryOnce()).get(PATIENCE_S, TimeUnit.SECONDS));
        assertInstanceOf(StatelockException.class, e.getCause());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(PATIENCE_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_S);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(10);
        }
    }
}
