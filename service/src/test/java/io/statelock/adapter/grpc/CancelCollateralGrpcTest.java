package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.proto.v1.StateVersion;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.StateClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A cancel hurts only the call it cancels: cancelled uploads, downloads and waiting acquires interleaved with
 * heartbeats, acquires, releases and reads on the same channel (one HTTP/2 connection) leave every other call
 * answered. Without {@link StreamEnds}' guard, 140 of 1,980 such calls failed (GOAWAY PROTOCOL_ERROR "Request stream
 * N is not correct for server connection"); with 1 MiB download chunks, cancelled downloads still closed the
 * connection now and then ({@link StateGrpcService#CHUNK}).
 */
@QuarkusTest
class CancelCollateralGrpcTest extends ChannelTest {
    private static final int ROUNDS = 150;
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cancel-timer");
                t.setDaemon(true);
                return t;
            });

    @Test
    void cancelledUploadsAndWaitingAcquiresCostNoOtherCall() throws Exception {
        Load load = new Load(StateServiceGrpcTest.tf(1));
        load.run(
                "uploads and waiting acquires",
                i -> cancelUpload(load.stateKey, load.writer, i),
                i -> cancelWaitingAcquire(load.heldKey));
    }

    @Test
    void cancelledDownloadsCostNoOtherCall() throws Exception {
        byte[] big = new byte[3 * StateClient.CHUNK];
        new java.util.Random(1).nextBytes(big);
        Load load = new Load(big);
        load.run("downloads", i -> cancelDownload(load.stateKey));
    }

    interface Canceller {
        void cancelOnce(int round) throws Exception;
    }

    /** A held key with a heartbeating holder, a key with a state, and the ordinary calls beside the cancels. */
    private final class Load {
        final String prefix = "collateral/" + UUID.randomUUID() + "/";
        final String heldKey = prefix + "held";
        final String stateKey = prefix + "state";
        final LockServiceGrpc.LockServiceBlockingStub locks = LockServiceGrpc.newBlockingStub(channel);
        final AcquireResponse holder;
        final AcquireResponse writer;

        Load(byte[] state) throws Exception {
            holder = locks.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquire(AcquireRequest.newBuilder()
                            .setKey(heldKey)
                            .setOwner("holder")
                            .setTtl(seconds(300))
                            .build());
            writer = locks.withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquire(AcquireRequest.newBuilder()
                            .setKey(stateKey)
                            .setOwner("writer")
                            .setTtl(seconds(300))
                            .build());
            new StateClient(channel).put(StateServiceGrpcTest.header(stateKey, writer, ""), state);
        }

        /** Each canceller on a thread of its own, ROUNDS times; two threads of ordinary calls that must all be answered. */
        void run(String what, Canceller... cancellers) throws Exception {
            List<String> collateral = new CopyOnWriteArrayList<>();
            AtomicInteger answered = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(cancellers.length + 2);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (Canceller c : cancellers) {
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < ROUNDS; i++) c.cancelOnce(i);
                        return null;
                    }));
                }
                for (int t = 0; t < 2; t++) {
                    int thread = t;
                    work.add(pool.submit(() -> ordinaryCalls(locks, prefix, holder, thread, answered, collateral)));
                }
                for (Future<?> f : work) f.get(10, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
            System.out.printf(
                    "cancel collateral (%s): %d cancels, %d other calls answered, %d failed%n",
                    what, ROUNDS * cancellers.length, answered.get(), collateral.size());
            assertThat(collateral)
                    .as("calls that failed beside the cancelled " + what)
                    .isEmpty();
            assertThat(answered.get()).isEqualTo(ROUNDS * 2 * 2 * 4);
            // The holder still holds: no heartbeat was lost.
            assertThat(locks.describe(
                                    DescribeRequest.newBuilder().setKey(heldKey).build())
                            .getFencingToken())
                    .isEqualTo(holder.getFencingToken());
        }
    }

    /** Heartbeats of a held lease, acquires and releases of fresh keys, reads: each must be answered. */
    private static Void ordinaryCalls(
            LockServiceGrpc.LockServiceBlockingStub locks,
            String prefix,
            AcquireResponse holder,
            int thread,
            AtomicInteger answered,
            List<String> collateral) {
        for (int i = 0; i < ROUNDS * 2; i++) {
            try {
                var stub = locks.withDeadlineAfter(20, TimeUnit.SECONDS);
                stub.heartbeat(HeartbeatRequest.newBuilder()
                        .setKey(prefix + "held")
                        .setLeaseId(holder.getLeaseId())
                        .build());
                String key = prefix + "free-" + thread + "-" + i;
                AcquireResponse lease = stub.acquire(
                        AcquireRequest.newBuilder().setKey(key).setOwner("o").build());
                stub.release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .build());
                stub.describe(
                        DescribeRequest.newBuilder().setKey(prefix + "held").build());
                answered.addAndGet(4);
            } catch (RuntimeException e) {
                collateral.add(e.toString());
            }
        }
        return null;
    }

    private void cancelDownload(String key) throws Exception {
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        StateServiceGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .getState(
                        io.statelock.proto.v1.GetStateRequest.newBuilder()
                                .setKey(key)
                                .build(),
                        new ClientResponseObserver<
                                io.statelock.proto.v1.GetStateRequest, io.statelock.proto.v1.GetStateResponse>() {
                            ClientCallStreamObserver<io.statelock.proto.v1.GetStateRequest> call;

                            public void beforeStart(ClientCallStreamObserver<io.statelock.proto.v1.GetStateRequest> c) {
                                call = c;
                            }

                            public void onNext(io.statelock.proto.v1.GetStateResponse r) {
                                if (r.hasChunk()) call.cancel("cancelled mid-download", null);
                            }

                            public void onError(Throwable t) {
                                ended.countDown();
                            }

                            public void onCompleted() {
                                ended.countDown();
                            }
                        });
        ended.await(20, TimeUnit.SECONDS);
    }

    private void cancelUpload(String key, AcquireResponse lease, int round) throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        var call = (ClientCallStreamObserver<PutStateRequest>) StateServiceGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .putState(new StreamObserver<StateVersion>() {
                    public void onNext(StateVersion v) {}

                    public void onError(Throwable t) {
                        ended.countDown();
                    }

                    public void onCompleted() {
                        ended.countDown();
                    }
                });
        call.onNext(PutStateRequest.newBuilder()
                .setHeader(StateServiceGrpcTest.header(key, lease, ""))
                .build());
        call.onNext(PutStateRequest.newBuilder()
                .setChunk(ByteString.copyFrom(new byte[30 + round]))
                .build());
        if (round % 3 == 0) Thread.sleep(2); // sometimes after the service has the bytes, sometimes before
        call.cancel("cancelled mid-upload", null);
        ended.await(20, TimeUnit.SECONDS);
    }

    private void cancelWaitingAcquire(String key) throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        LockServiceGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .acquire(
                        AcquireRequest.newBuilder()
                                .setKey(key)
                                .setOwner("waiter")
                                .setWaitTimeout(seconds(10))
                                .build(),
                        new ClientResponseObserver<AcquireRequest, AcquireResponse>() {
                            public void beforeStart(ClientCallStreamObserver<AcquireRequest> c) {
                                // Cancelled while it waits in the queue.
                                TIMER.schedule(() -> c.cancel("gave up", null), 15, TimeUnit.MILLISECONDS);
                            }

                            public void onNext(AcquireResponse r) {}

                            public void onError(Throwable t) {
                                ended.countDown();
                            }

                            public void onCompleted() {
                                ended.countDown();
                            }
                        });
        ended.await(20, TimeUnit.SECONDS);
    }

    private static com.google.protobuf.Duration seconds(long s) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
    }
}
