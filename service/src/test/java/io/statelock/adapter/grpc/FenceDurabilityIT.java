package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fences keep increasing across a graceful restart and across {@code kill -9} of the packaged
 * service on the same embedded store: every acquire is on disk before it is answered.
 */
class FenceDurabilityIT {
    @TempDir
    Path dir;

    @Test
    void fencesKeepIncreasingAcrossRestartAndKill9() throws Exception {
        String dataDir = "statelock.embedded.data-dir=" + dir.resolve("data");
        Path log = dir.resolve("service.log");
        String key = "durability/terraform.tfstate";
        long last;

        try (ServiceProcess service = ServiceProcess.start(log, dataDir)) {
            last = acquireAndRelease(service, key, 0);
            last = acquireAndRelease(service, key, last);
            assertThat(service.stop()).as("graceful stop exit code").isIn(0, 143);
        }
        try (ServiceProcess service = ServiceProcess.start(log, dataDir)) {
            last = acquireAndRelease(service, key, last);
            // Many acquires in a row, the last one still held when the process is killed.
            for (int i = 0; i < 20; i++) last = acquireAndRelease(service, key, last);
            AcquireResponse held = acquire(service, key, 1);
            assertThat(held.getFencingToken()).isGreaterThan(last);
            last = held.getFencingToken();
            service.kill9();
        }
        try (ServiceProcess service = ServiceProcess.start(log, dataDir)) {
            ManagedChannel channel = channel(service);
            try {
                var status = LockServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .describe(DescribeRequest.newBuilder().setKey(key).build());
                assertThat(status.getFencingToken())
                        .as("counter survived kill -9")
                        .isEqualTo(last);
            } finally {
                channel.shutdownNow();
            }
            // The killed holder's 1 s lease expires; waiting lets the service take over at expiresAt + skew.
            AcquireResponse after = acquire(service, key, 1, 10);
            assertThat(after.getFencingToken()).isGreaterThan(last);
        }
    }

    private static long acquireAndRelease(ServiceProcess service, String key, long previous) throws Exception {
        AcquireResponse lease = acquire(service, key, 30);
        assertThat(lease.getFencingToken()).isGreaterThan(previous);
        ManagedChannel channel = channel(service);
        try {
            LockServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .release(ReleaseRequest.newBuilder()
                            .setKey(key)
                            .setLeaseId(lease.getLeaseId())
                            .build());
        } finally {
            channel.shutdownNow();
        }
        return lease.getFencingToken();
    }

    private static AcquireResponse acquire(ServiceProcess service, String key, long ttlSeconds) throws Exception {
        return acquire(service, key, ttlSeconds, 0);
    }

    private static AcquireResponse acquire(ServiceProcess service, String key, long ttlSeconds, long waitSeconds)
            throws Exception {
        ManagedChannel channel = channel(service);
        try {
            return LockServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .acquire(AcquireRequest.newBuilder()
                            .setKey(key)
                            .setOwner("durability-test")
                            .setTtl(Duration.newBuilder().setSeconds(ttlSeconds))
                            .setWaitTimeout(Duration.newBuilder().setSeconds(waitSeconds))
                            .build());
        } finally {
            channel.shutdownNow();
        }
    }

    private static ManagedChannel channel(ServiceProcess service) {
        return NettyChannelBuilder.forAddress("127.0.0.1", service.port())
                .usePlaintext()
                .build();
    }
}
