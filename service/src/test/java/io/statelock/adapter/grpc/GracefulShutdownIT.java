package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM: waiting acquires are answered UNAVAILABLE (retry elsewhere), and the holder's lease survives on disk. */
class GracefulShutdownIT {
    @TempDir
    Path dir;

    @Test
    void waitersGetUnavailableAndNothingIsLost() throws Exception {
        String dataDir = "statelock.embedded.data-dir=" + dir.resolve("data");
        String key = "shutdown/terraform.tfstate";
        AcquireResponse held;
        try (ServiceProcess service = ServiceProcess.start(dir.resolve("a.log"), dataDir)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port())
                    .usePlaintext()
                    .build();
            try {
                held = LockServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .acquire(request(key, "holder", 0));
                var waiter = LockServiceGrpc.newFutureStub(channel)
                        .withDeadlineAfter(60, TimeUnit.SECONDS)
                        .acquire(request(key, "waiter", 50));
                Thread.sleep(500);
                assertThat(waiter.isDone()).isFalse();
                assertThat(service.stop()).isIn(0, 143);
                try {
                    waiter.get(20, TimeUnit.SECONDS);
                    throw new AssertionError("a waiter was granted by a replica that was shutting down");
                } catch (ExecutionException e) {
                    assertThat(((StatusRuntimeException) e.getCause())
                                    .getStatus()
                                    .getCode())
                            .isEqualTo(Status.Code.UNAVAILABLE);
                }
            } finally {
                channel.shutdownNow();
            }
        }
        try (ServiceProcess service = ServiceProcess.start(dir.resolve("b.log"), dataDir)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port())
                    .usePlaintext()
                    .build();
            try {
                var status = LockServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .describe(io.statelock.proto.v1.DescribeRequest.newBuilder()
                                .setKey(key)
                                .build());
                assertThat(status.getHeld()).isTrue();
                assertThat(status.getOwner()).isEqualTo("holder");
                assertThat(status.getFencingToken()).isEqualTo(held.getFencingToken());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    static AcquireRequest request(String key, String owner, long waitSeconds) {
        return AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner(owner)
                .setTtl(Duration.newBuilder().setSeconds(60))
                .setWaitTimeout(Duration.newBuilder().setSeconds(waitSeconds))
                .build();
    }
}
