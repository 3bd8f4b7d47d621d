package io.statelock.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.adapter.metrics.StoreCallsMetricsTest.Metrics;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.StateClient;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** State calls and the lock admin calls are timed at the edge like acquire: one sample per call, by status code. */
@QuarkusTest
class RpcMetricsTest extends ChannelTest {
    static final String RPC = "statelock_rpc_duration_seconds_count";
    LockServiceGrpc.LockServiceBlockingStub locks;
    StateServiceGrpc.StateServiceBlockingStub states;
    StateClient client;
    String key;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        states = StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        client = new StateClient(channel);
        key = "metrics/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    @Test
    void stateCallsAreTimedWithTheirOutcome() throws Exception {
        Metrics before = Metrics.scrape();
        assertThatThrownBy(() -> client.get(key, ""))
                .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
        Metrics afterMissing = scrapeUntil(before, "code=\"NOT_FOUND\"", "rpc=\"get_state\"");
        assertThat(afterMissing.delta(before, RPC, "rpc=\"get_state\"", "code=\"NOT_FOUND\""))
                .isEqualTo(1);
        assertThat(afterMissing.delta(before, RPC, "rpc=\"get_state\"", "code=\"OK\""))
                .isZero();

        AcquireResponse lease = locks.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("ci@runner-1")
                .setTtl(Duration.newBuilder().setSeconds(30))
                .build());
        byte[] state =
                "{\"version\":4,\"serial\":1,\"lineage\":\"L\",\"resources\":[]}".getBytes(StandardCharsets.UTF_8);
        client.put(
                PutStateHeader.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .setFencingToken(lease.getFencingToken())
                        .build(),
                state);
        assertThat(client.get(key, "")).isEqualTo(state);
        assertThat(states.listVersions(
                                ListVersionsRequest.newBuilder().setKey(key).build())
                        .getVersionsCount())
                .isEqualTo(1);
        locks.describe(DescribeRequest.newBuilder().setKey(key).build());

        // A call is timed when it ends on the service, which may be just after its answer reached this client.
        Metrics after = scrapeUntil(
                afterMissing,
                "code=\"OK\"",
                "rpc=\"describe\"",
                "rpc=\"put_state\"",
                "rpc=\"get_state\"",
                "rpc=\"list_versions\"");
        assertThat(after.delta(afterMissing, RPC, "rpc=\"put_state\"", "code=\"OK\""))
                .isEqualTo(1);
        assertThat(after.delta(afterMissing, RPC, "rpc=\"get_state\"", "code=\"OK\""))
                .isEqualTo(1);
        assertThat(after.delta(afterMissing, RPC, "rpc=\"list_versions\"", "code=\"OK\""))
                .isEqualTo(1);
        assertThat(after.delta(afterMissing, RPC, "rpc=\"describe\"", "code=\"OK\""))
                .isEqualTo(1);
    }

    /** Scrapes until every named rpc has been counted with {@code code} since {@code before} (or 5 s have passed). */
    private static Metrics scrapeUntil(Metrics before, String code, String... rpcs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Metrics now = Metrics.scrape();
            boolean all = true;
            for (String rpc : rpcs) all &= now.delta(before, RPC, rpc, code) >= 1;
            if (all || System.nanoTime() > deadline) return now;
            Thread.sleep(20);
        }
    }
}
