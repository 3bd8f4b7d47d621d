package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.GrpcChannels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many clients, one key, through the real server: a critical-section witness proves there are
 * never two holders, and fences strictly increase in grant order (docs/design.md#invariant-1 and docs/design.md#invariant-2).
 */
@QuarkusTest
class ConcurrentClientsGrpcTest {
    static final int CLIENTS = 32;
    static final int ROUNDS = 8;

    @Test
    void neverTwoHoldersAndFencesStrictlyIncreaseInGrantOrder() throws Exception {
        String key = "race/" + UUID.randomUUID();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        // Appended while holding the lock, so the list order is the grant order.
        List<Long> grantOrder = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < 4; i++) channels.add(GrpcChannels.open());
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                var stub = LockServiceGrpc.newBlockingStub(channels.get(client % channels.size()));
                start.await();
                for (int r = 0; r < ROUNDS; r++) {
                    AcquireResponse lease = stub.withDeadlineAfter(120, TimeUnit.SECONDS)
                            .acquire(AcquireRequest.newBuilder()
                                    .setKey(key)
                                    .setOwner("client-" + client)
                                    .setTtl(Duration.newBuilder().setSeconds(30))
                                    .setWaitTimeout(Duration.newBuilder().setSeconds(110))
                                    .build());
                    int now = inside.incrementAndGet();
                    maxInside.accumulateAndGet(now, Math::max);
                    grantOrder.add(lease.getFencingToken());
                    Thread.sleep(1);
                    inside.decrementAndGet();
                    boolean released = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .release(ReleaseRequest.newBuilder()
                                    .setKey(key)
                                    .setLeaseId(lease.getLeaseId())
                                    .build())
                            .getReleased();
                    if (!released) failures.add(new AssertionError("lease lost inside the critical section"));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            try {
                f.get(5, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(e.getCause());
            }
        }
        pool.shutdownNow();
        for (ManagedChannel ch : channels) GrpcChannels.close(ch);

        assertThat(failures).isEmpty();
        assertThat(maxInside.get()).as("holders at once").isEqualTo(1);
        assertThat(grantOrder).hasSize(CLIENTS * ROUNDS);
        for (int i = 1; i < grantOrder.size(); i++) {
            assertThat(grantOrder.get(i)).as("fence #%d", i).isGreaterThan(grantOrder.get(i - 1));
        }
    }

    @Test
    void waitersThroughGrpcAreServedInArrivalOrder() throws Exception {
        String key = "fifo/" + UUID.randomUUID();
        ManagedChannel channel = GrpcChannels.open();
        try {
            var stub = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            var async = LockServiceGrpc.newFutureStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            AcquireResponse holder = stub.acquire(request(key, "holder", 0));
            List<com.google.common.util.concurrent.ListenableFuture<AcquireResponse>> waiters = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiters.add(async.acquire(request(key, "w" + i, 50)));
                Thread.sleep(100); // arrival order is the order of these calls
            }
            List<String> served = new ArrayList<>();
            AcquireResponse current = holder;
            for (int i = 0; i < 5; i++) {
                stub.release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(current.getLeaseId())
                        .build());
                current = waiters.get(i).get(10, TimeUnit.SECONDS);
                served.add(stub.describe(io.statelock.proto.v1.DescribeRequest.newBuilder()
                                .setKey(key)
                                .build())
                        .getOwner());
                for (int j = i + 1; j < 5; j++)
                    assertThat(waiters.get(j).isDone()).isFalse();
            }
            assertThat(served).containsExactly("w0", "w1", "w2", "w3", "w4");
        } finally {
            GrpcChannels.close(channel);
        }
    }

    @Test
    void aWaiterWhoseCallIsCancelledDoesNotKeepTheLock() throws Exception {
        String key = "cancel/" + UUID.randomUUID();
        ManagedChannel channel = GrpcChannels.open();
        try {
            var stub = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            AcquireResponse holder = stub.acquire(request(key, "holder", 0));
            io.grpc.Context.CancellableContext ctx = io.grpc.Context.current().withCancellation();
            CompletableFuture<Object> cancelled = new CompletableFuture<>();
            ctx.run(() -> LockServiceGrpc.newStub(channel)
                    .acquire(request(key, "gone", 50), new io.grpc.stub.StreamObserver<>() {
                        public void onNext(AcquireResponse v) {
                            cancelled.complete(v);
                        }

                        public void onError(Throwable t) {
                            cancelled.complete(t);
                        }

                        public void onCompleted() {}
                    }));
            var next = LockServiceGrpc.newFutureStub(channel)
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .acquire(request(key, "next", 50));
            Thread.sleep(300);
            ctx.cancel(null);
            assertThat(cancelled.get(5, TimeUnit.SECONDS)).isInstanceOf(StatusRuntimeException.class);
            Thread.sleep(100);
            stub.release(ReleaseRequest.newBuilder()
                    .setKey(key)
                    .setLeaseId(holder.getLeaseId())
                    .build());
            AcquireResponse granted = next.get(10, TimeUnit.SECONDS);
            assertThat(granted.getFencingToken()).isGreaterThan(holder.getFencingToken());
            assertThat(stub.describe(io.statelock.proto.v1.DescribeRequest.newBuilder()
                                    .setKey(key)
                                    .build())
                            .getOwner())
                    .isEqualTo("next");
        } finally {
            GrpcChannels.close(channel);
        }
    }

    static AcquireRequest request(String key, String owner, long waitSeconds) {
        return AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner(owner)
                .setTtl(Duration.newBuilder().setSeconds(30))
                .setWaitTimeout(Duration.newBuilder().setSeconds(waitSeconds))
                .build();
    }
}
