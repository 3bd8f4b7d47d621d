package io.statelock.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.quarkus.test.junit.QuarkusTest;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md#invariant-5 read off the service's own /q/metrics: an uncontended acquire, heartbeat and release
 * are exactly one store write each, and no read.
 */
@QuarkusTest
class StoreCallsMetricsTest extends ChannelTest {
    static final String CALLS = "statelock_store_calls_total";
    LockServiceGrpc.LockServiceBlockingStub locks;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Test
    void oneStoreWritePerUncontendedTransition() throws Exception {
        String key = "metrics/" + UUID.randomUUID() + "/terraform.tfstate";
        Metrics before = Metrics.scrape();

        AcquireResponse lease = locks.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("ci@runner-1")
                .setTtl(Duration.newBuilder().setSeconds(30))
                .build());
        Metrics afterAcquire = Metrics.scrape();
        assertThat(afterAcquire.delta(before, CALLS, "operation=\"acquire\"", "outcome=\"granted\""))
                .isEqualTo(1);
        assertThat(afterAcquire.writes() - before.writes()).isEqualTo(1);

        locks.heartbeat(HeartbeatRequest.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .build());
        Metrics afterHeartbeat = Metrics.scrape();
        assertThat(afterHeartbeat.delta(afterAcquire, CALLS, "operation=\"heartbeat\"", "outcome=\"renewed\""))
                .isEqualTo(1);
        assertThat(afterHeartbeat.writes() - afterAcquire.writes()).isEqualTo(1);

        assertThat(locks.release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();
        Metrics afterRelease = Metrics.scrape();
        assertThat(afterRelease.delta(afterHeartbeat, CALLS, "operation=\"release\"", "outcome=\"released\""))
                .isEqualTo(1);
        assertThat(afterRelease.writes() - afterHeartbeat.writes()).isEqualTo(1);

        // and not one read on the way
        assertThat(afterRelease.reads() - before.reads()).isZero();
        // the edge timed each of the three calls
        assertThat(afterRelease.delta(before, "statelock_rpc_duration_seconds_count", "rpc=\"acquire\"", "code=\"OK\""))
                .isEqualTo(1);
        assertThat(afterRelease.delta(
                        before, "statelock_rpc_duration_seconds_count", "rpc=\"heartbeat\"", "code=\"OK\""))
                .isEqualTo(1);
        assertThat(afterRelease.delta(before, "statelock_rpc_duration_seconds_count", "rpc=\"release\"", "code=\"OK\""))
                .isEqualTo(1);
        assertThat(afterRelease.text)
                .contains(
                        "statelock_waiters ",
                        "statelock_leases_held ",
                        "statelock_lease_expirations_total ",
                        "statelock_lease_takeovers_total ");
    }

    @Test
    void aLostLeaseIsCountedAsAnAnswerAndAHeartbeatFailure() throws Exception {
        String key = "metrics/" + UUID.randomUUID() + "/terraform.tfstate";
        Metrics before = Metrics.scrape();
        try {
            locks.heartbeat(HeartbeatRequest.newBuilder()
                    .setKey(key)
                    .setLeaseId("no-such-lease")
                    .build());
        } catch (io.grpc.StatusRuntimeException expected) {
            assertThat(expected.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION);
        }
        Metrics after = Metrics.scrape();
        assertThat(after.delta(before, "statelock_lease_lost_answers_total", "rpc=\"heartbeat\""))
                .isEqualTo(1);
        assertThat(after.delta(before, "statelock_heartbeat_failures_total", "rpc=\"heartbeat\""))
                .isEqualTo(1);
        assertThat(after.delta(before, CALLS, "operation=\"heartbeat\"", "outcome=\"lost\""))
                .isEqualTo(1);
    }

    /** One scrape of /q/metrics in the Prometheus text format, read with a plain HTTP client. */
    record Metrics(String text) {
        static Metrics scrape() throws IOException, InterruptedException {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + GrpcChannels.testPort() + "/q/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return new Metrics(response.body());
        }

        /** Sum of the samples of {@code name} whose labels contain every fragment. */
        double sum(String name, String... labels) {
            double total = 0;
            for (String line : text.split("\n")) {
                if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
                int end = line.lastIndexOf(' ');
                String series = line.substring(0, end);
                boolean all = true;
                for (String label : labels) all &= series.contains(label);
                if (all) total += Double.parseDouble(line.substring(end + 1));
            }
            return total;
        }

        long delta(Metrics before, String name, String... labels) {
            return Math.round(sum(name, labels) - before.sum(name, labels));
        }

        long writes() {
            return Math.round(sum(CALLS, "operation=\"acquire\"")
                    + sum(CALLS, "operation=\"heartbeat\"")
                    + sum(CALLS, "operation=\"release\"")
                    + sum(CALLS, "operation=\"force_release\""));
        }

        long reads() {
            return Math.round(sum(CALLS, "operation=\"get\"") + sum(CALLS, "operation=\"list\""));
        }
    }
}
