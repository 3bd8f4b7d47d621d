package io.statelock.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.adapter.blob.s3.S3BlobStore;
import io.statelock.adapter.dynamodb.DynamoDbLockTable;
import io.statelock.adapter.terraform.TerraformStateJson;
import io.statelock.common.LockKey;
import io.statelock.lock.FencingTokens;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvents;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockSettings;
import io.statelock.lock.port.NewLease;
import io.statelock.state.Spool;
import io.statelock.state.StateCoordinator;
import io.statelock.state.StateRead;
import io.statelock.state.StateSettings;
import io.statelock.state.StateVersion;
import io.statelock.state.TerraformBackend;
import io.statelock.testing.Dynalite;
import io.statelock.testing.FaultProxy;
import io.statelock.testing.ManualClock;
import io.statelock.testing.ManualScheduler;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.S3ProxyClients;
import io.statelock.testing.StoreRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Terraform http backend's write without a lock (Terraform's {@code -lock=false}) on DynamoDB and S3,
 * with the answer to every write it makes lost on the way back: its acquire (empty request id), the state
 * object's PUT, the pointer move and its release. The SDK's default retries must not lock the writer out,
 * fail the PUT or make two versions of one write.
 */
class StateWriteLostAnswerTest {
    static final Predicate<StoreRequest> UPDATE_ITEM = r -> r.isDynamo("UpdateItem");
    static final Predicate<StoreRequest> PUT_OBJECT = StoreRequest::isS3Put;
    // Only first attempts lose their answers: each write is applied, its answer lost, and its retry answered.
    static final Predicate<StoreRequest> FIRST = StoreRequest::isFirstAttempt;

    static FaultProxy dynamo;
    static FaultProxy s3;
    static DynamoDbClient dynamoClient;
    static S3Client s3Client;
    static DynamoDbLockTable table;
    static S3BlobStore blobs;

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(System.currentTimeMillis());
    final LockKey key = new LockKey("w" + UUID.randomUUID().toString().substring(0, 8) + "/net/terraform.tfstate");
    TerraformBackend backend;

    @BeforeAll
    static void start() {
        dynamo = FaultProxy.inFrontOf(Dynalite.shared());
        s3 = FaultProxy.inFrontOf(S3Proxy.shared());
        // Both SDK clients with their default retry policies.
        dynamoClient = DynamoDbClient.builder()
                .endpointOverride(dynamo.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        s3Client = S3ProxyClients.of(s3.endpoint());
        table = new DynamoDbLockTable(
                dynamoClient, "lost-state-" + UUID.randomUUID().toString().substring(0, 8));
        table.createTableIfMissing();
        blobs = new S3BlobStore(
                s3Client, "lost-state-" + UUID.randomUUID().toString().substring(0, 8), "");
        blobs.createBucketIfMissing();
    }

    @AfterAll
    static void stop() {
        if (dynamoClient != null) dynamoClient.close();
        if (s3Client != null) s3Client.close();
        if (dynamo != null) dynamo.close();
        if (s3 != null) s3.close();
    }

    @BeforeEach
    void backend() {
        LockSettings settings = LockSettings.defaults();
        LockCoordinator locks =
                new LockCoordinator(table, settings, clock, new ManualScheduler(clock), new LockEvents());
        StateCoordinator states = new StateCoordinator(
                table,
                blobs,
                new TerraformStateJson(),
                new FencingTokens(0),
                clock,
                new StateSettings(5, dir.resolve("spool"), StateSettings.ONE_HOUR_MS));
        backend = new TerraformBackend(locks, states, clock, Duration.ofMinutes(5));
        // The first acquire in a new first segment also writes the segment's registry item: a grant on a
        // sibling key first keeps the counted UpdateItems to the write's own three.
        LockKey sibling = new LockKey(key.value().substring(0, key.value().indexOf('/')) + "/registered");
        table.acquire(new NewLease(sibling, "lease-s", "test", LockInfo.EMPTY, clock.millis(), 1_000, ""), 0);
    }

    StateVersion unlockedWrite(String content) {
        Spool spool = Spool.create(dir.resolve("spool"));
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        spool.write(bytes, 0, bytes.length);
        try (spool) {
            spool.finish(); // as the http backend's upload does, before its check of the body
            return backend.write(
                    key,
                    "",
                    null,
                    "terraform (unlocked write)",
                    LeaseOwner.ANYONE,
                    spool,
                    TerraformStateJson.check(spool.file()));
        }
    }

    static String tf(long serial) {
        return "{\"version\":4,\"terraform_version\":\"1.9.0\",\"serial\":" + serial
                + ",\"lineage\":\"L\",\"outputs\":{},\"resources\":[]}";
    }

    @Test
    void aWriteWhoseEveryAnswerIsLostStoresOneVersionAndFreesTheKey() throws IOException {
        for (long serial = 1; serial <= 2; serial++) {
            long updates = dynamo.count(UPDATE_ITEM);
            long puts = s3.count(PUT_OBJECT);
            // acquire, (from the second write on) the replaced version's own item, pointer move, release: each
            // applied, each answer lost, each retried by the SDK
            int writes = serial == 1 ? 3 : 4;
            dynamo.loseResponses(writes, UPDATE_ITEM.and(FIRST));
            s3.loseResponses(1, PUT_OBJECT.and(FIRST));

            StateVersion v = unlockedWrite(tf(serial));

            // One version per write, fenced by a grant whose token is exactly one above the last.
            assertThat(table.stateHistory(key).versions())
                    .extracting(StateVersion::seq)
                    .containsExactly(serial == 1 ? new Long[] {1L} : new Long[] {2L, 1L});
            assertThat(v.seq()).isEqualTo(serial);
            assertThat(v.fenceCounter()).isEqualTo(serial);
            assertThat(dynamo.count(UPDATE_ITEM) - updates)
                    .as(writes + " writes, each sent twice")
                    .isEqualTo(2L * writes);
            assertThat(dynamo.lost()).filteredOn(UPDATE_ITEM).hasSize(serial == 1 ? 3 : 7);
            assertThat(s3.count(PUT_OBJECT) - puts).as("1 PUT, sent twice").isEqualTo(2);
            // The writer's own lease is gone: the key is free for the next writer.
            assertThat(table.get(key).orElseThrow().hasLease()).isFalse();
            assertThat(table.get(key).orElseThrow().fenceCounter()).isEqualTo(serial);
            try (StateRead read = backend.read(key)) {
                assertThat(Files.readString(read.bytes().file())).isEqualTo(tf(serial));
            }
        }
        assertThat(blobs.list(key.value())).hasSize(2);
    }
}
