package io.statelock.ui;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** The packaged service on an embedded store of its own, as the dashboard's browser tests use it, and its gRPC. */
final class PackagedService implements AutoCloseable {
    private final ServiceProcess process;
    private final ManagedChannel channel;

    private PackagedService(ServiceProcess process) {
        this.process = process;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", process.port())
                .usePlaintext()
                .build();
    }

    static PackagedService start(Path dir, String... properties) throws Exception {
        String[] all = Arrays.copyOf(properties, properties.length + 1);
        all[properties.length] = "statelock.embedded.data-dir=" + dir.resolve("data");
        return new PackagedService(ServiceProcess.start(dir.resolve("service.log"), all));
    }

    int port() {
        return process.port();
    }

    /** The page's address, with a view's {@code #/...} or nothing. */
    String page(String view) {
        return "http://127.0.0.1:" + port() + "/ui/" + view;
    }

    /** A lease over gRPC, as a CI job takes it; {@code token} null with authentication off. */
    AcquireResponse acquire(String token, String key, String owner, long ttlSeconds, String operation, String who) {
        LockServiceGrpc.LockServiceBlockingStub stub =
                LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        if (token != null) stub = stub.withCallCredentials(GrpcChannels.bearer(token));
        return stub.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner(owner)
                .setTtl(Duration.newBuilder().setSeconds(ttlSeconds))
                .setInfo(LockInfo.newBuilder().setOperation(operation).setWho(who))
                .build());
    }

    void release(String key, AcquireResponse lease) {
        LockServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .release(ReleaseRequest.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .build());
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        process.close();
    }
}
