package io.statelock.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.boot.StatelockConfig;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.ListVersionsRequest;
import io.statelock.proto.v1.ListVersionsResponse;
import io.statelock.proto.v1.LockInfo;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.proto.v1.StateServiceGrpc;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.DynamoDbItemSize;
import io.statelock.testing.DynamoDbProfile;
import io.statelock.testing.StateClient;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What each operation costs on DynamoDB, read off /q/metrics (the units dynalite reports, as DynamoDB bills them):
 * on a key with a full history of 100 state versions, an acquire, a heartbeat and a release are 1.0 write unit
 * each, because the lock item stays under 1 KB however long the history is.
 */
@QuarkusTest
@TestProfile(DynamoDbProfile.class)
class DynamoDbCapacityMetricsTest extends ChannelTest {
    static final String WRITE_UNITS = "statelock_dynamodb_consumed_write_units_total";
    static final String READ_UNITS = "statelock_dynamodb_consumed_read_units_total";

    @Inject
    DynamoDbClient dynamo;

    @Inject
    StatelockConfig config;

    LockServiceGrpc.LockServiceBlockingStub locks;
    StateServiceGrpc.StateServiceBlockingStub states;
    String key;

    @BeforeEach
    void open() {
        locks = LockServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        states = StateServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        key = "capacity/" + UUID.randomUUID() + "/terraform.tfstate";
    }

    AcquireResponse acquire() {
        // A LockInfo of typical size: what `statelock run` sends for a terraform apply in CI.
        return locks.acquire(AcquireRequest.newBuilder()
                .setKey(key)
                .setOwner("repo:example/infra:ref:refs/heads/main")
                .setInfo(LockInfo.newBuilder()
                        .setOperation("OperationTypeApply")
                        .setWho("runner@ci-runner-7")
                        .setVersion("1.11.4")
                        .setPath(key)
                        .setInfo("pipeline 4711, job plan-apply")
                        .putLabels("pipeline", "4711")
                        .putLabels("commit", "3f2c9a1e"))
                .setTtl(Duration.newBuilder().setSeconds(30))
                .build());
    }

    @Test
    void acquireHeartbeatAndReleaseAreOneWriteUnitEachOnAKeyWith100Versions() throws Exception {
        StateClient client = new StateClient(channel);
        AcquireResponse writer = acquire();
        StoreCallsMetricsTest.Metrics beforeWrites = StoreCallsMetricsTest.Metrics.scrape();
        for (int serial = 1; serial <= 101; serial++) {
            put(client, writer, serial);
        }
        StoreCallsMetricsTest.Metrics afterWrites = StoreCallsMetricsTest.Metrics.scrape();
        // A state write: the replaced version as its own item, the pointer, and the version that left the history.
        assertThat(units(afterWrites, beforeWrites, WRITE_UNITS, "state_write") / 101)
                .isLessThanOrEqualTo(3.0);
        locks.release(ReleaseRequest.newBuilder()
                .setKey(key)
                .setLeaseId(writer.getLeaseId())
                .build());

        Map<String, AttributeValue> item = dynamo.getItem(
                        b -> b.tableName(config.dynamodb().table())
                                .key(Map.of("key", AttributeValue.fromS(key)))
                                .consistentRead(true))
                .item();
        int bytes = DynamoDbItemSize.of(item);
        System.out.printf(
                "lock item with 100 versions: %d bytes; a state write: %.2f write units%n",
                bytes, units(afterWrites, beforeWrites, WRITE_UNITS, "state_write") / 101);
        assertThat(bytes).as("lock item bytes").isLessThan(1024);
        assertThat(item).doesNotContainKey("stateHistory");

        StoreCallsMetricsTest.Metrics before = StoreCallsMetricsTest.Metrics.scrape();
        AcquireResponse lease = acquire();
        StoreCallsMetricsTest.Metrics afterAcquire = StoreCallsMetricsTest.Metrics.scrape();
        locks.heartbeat(HeartbeatRequest.newBuilder()
                .setKey(key)
                .setLeaseId(lease.getLeaseId())
                .build());
        StoreCallsMetricsTest.Metrics afterHeartbeat = StoreCallsMetricsTest.Metrics.scrape();
        assertThat(locks.release(ReleaseRequest.newBuilder()
                                .setKey(key)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();
        StoreCallsMetricsTest.Metrics afterRelease = StoreCallsMetricsTest.Metrics.scrape();

        assertThat(units(afterAcquire, before, WRITE_UNITS, "acquire")).isEqualTo(1.0);
        assertThat(units(afterHeartbeat, afterAcquire, WRITE_UNITS, "heartbeat"))
                .isEqualTo(1.0);
        assertThat(units(afterRelease, afterHeartbeat, WRITE_UNITS, "release")).isEqualTo(1.0);
        // Nothing else was written to the lock table or an index (the audit records go to their own table), and
        // nothing read.
        double audit = units(afterRelease, before, WRITE_UNITS, "audit");
        assertThat(afterRelease.sum(WRITE_UNITS) - before.sum(WRITE_UNITS) - audit)
                .isEqualTo(3.0);
        assertThat(afterRelease.sum(READ_UNITS, "operation=\"acquire\"")
                        - before.sum(READ_UNITS, "operation=\"acquire\""))
                .isZero();
        assertThat(afterRelease.sum(WRITE_UNITS, "on=\"by-segment\"") - before.sum(WRITE_UNITS, "on=\"by-segment\""))
                .as("index write units")
                .isZero();
    }

    @Test
    void listVersionsShowsExactlyTheKeptVersionsNewestFirstPagedAndTheExpiredItemIsGone() throws Exception {
        StateClient client = new StateClient(channel);
        AcquireResponse writer = acquire();
        int keep = config.state().keepVersions();
        for (int serial = 1; serial <= keep + 2; serial++) {
            put(client, writer, serial);
        }
        List<Long> seqs = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListVersionsResponse page = states.listVersions(ListVersionsRequest.newBuilder()
                    .setKey(key)
                    .setPageSize(30)
                    .setPageToken(token)
                    .build());
            page.getVersionsList().forEach(v -> seqs.add(Long.parseLong(v.getVersion())));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        List<Long> expected = new ArrayList<>();
        for (long seq = keep + 2; seq >= 3; seq--) expected.add(seq);
        assertThat(seqs).isEqualTo(expected);
        assertThat(pages).isEqualTo((keep + 29) / 30);
        for (long gone : new long[] {1, 2}) {
            String versionItem = "/v/" + key + "#" + String.format("%020d", gone);
            assertThat(dynamo.getItem(b -> b.tableName(config.dynamodb().table())
                                    .consistentRead(true)
                                    .key(Map.of("key", AttributeValue.fromS(versionItem))))
                            .item())
                    .as("item of version " + gone)
                    .isEmpty();
        }
        locks.release(ReleaseRequest.newBuilder()
                .setKey(key)
                .setLeaseId(writer.getLeaseId())
                .build());
    }

    private void put(StateClient client, AcquireResponse lease, long serial) throws Exception {
        byte[] bytes = ("{\"version\":4,\"serial\":" + serial + ",\"lineage\":\"L\",\"resources\":[]}")
                .getBytes(StandardCharsets.UTF_8);
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        client.put(
                PutStateHeader.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.getLeaseId())
                        .setFencingToken(lease.getFencingToken())
                        .setSha256(sha256)
                        .build(),
                bytes);
    }

    private static double units(
            StoreCallsMetricsTest.Metrics after, StoreCallsMetricsTest.Metrics before, String name, String operation) {
        String label = "operation=\"" + operation + "\"";
        return after.sum(name, label) - before.sum(name, label);
    }
}
