package io.statelock.bench;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** gRPC clients of the service: a few channels shared round-robin by the client threads. */
final class StatelockClients implements AutoCloseable {
    static final Duration TTL = Duration.newBuilder().setSeconds(30).build();
    final String address;
    private final List<ManagedChannel> channels = new ArrayList<>();

    StatelockClients(String address, int channels) {
        this.address = address;
        String[] hp = address.split(":");
        for (int i = 0; i < channels; i++) {
            this.channels.add(NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1]))
                    .usePlaintext()
                    .maxInboundMessageSize(4 << 20)
                    .build());
        }
    }

    ManagedChannel channel(int index) {
        return channels.get(index % channels.size());
    }

    LockServiceGrpc.LockServiceBlockingStub blocking(int index) {
        return LockServiceGrpc.newBlockingStub(channel(index));
    }

    LockServiceGrpc.LockServiceStub async(int index) {
        return LockServiceGrpc.newStub(channel(index));
    }

    static AcquireRequest acquire(String key, String owner, long waitSeconds) {
        AcquireRequest.Builder b =
                AcquireRequest.newBuilder().setKey(key).setOwner(owner).setTtl(TTL);
        if (waitSeconds > 0) b.setWaitTimeout(Duration.newBuilder().setSeconds(waitSeconds));
        return b.build();
    }

    Systems.CyclerFactory cyclers() {
        return index -> {
            LockServiceGrpc.LockServiceBlockingStub stub = blocking(index);
            String owner = "bench-" + index;
            return key -> {
                AcquireResponse lease =
                        stub.withDeadlineAfter(30, TimeUnit.SECONDS).acquire(acquire(key, owner, 0));
                stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                        .release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build());
            };
        };
    }

    Systems.WaiterFactory waiters() {
        return index -> {
            LockServiceGrpc.LockServiceBlockingStub stub = blocking(index);
            String owner = "bench-" + index;
            return new Systems.Waiter() {
                @Override
                public Object lock(String key) {
                    return stub.withDeadlineAfter(40, TimeUnit.SECONDS).acquire(acquire(key, owner, 30));
                }

                @Override
                public void unlock(Object handle) {
                    AcquireResponse lease = (AcquireResponse) handle;
                    stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                            .release(ReleaseRequest.newBuilder()
                                    .setKey(lease.getKey())
                                    .setLeaseId(lease.getLeaseId())
                                    .build());
                }
            };
        };
    }

    /** For waiting acquires whose answers the scenario does not read. */
    static <T> StreamObserver<T> ignoring() {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : channels) c.shutdownNow();
        for (ManagedChannel c : channels) c.awaitTermination(5, TimeUnit.SECONDS);
    }
}
