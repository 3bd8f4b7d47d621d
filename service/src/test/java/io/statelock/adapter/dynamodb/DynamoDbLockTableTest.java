package io.statelock.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.LockTableContract;
import io.statelock.lock.port.NewLease;
import io.statelock.testing.Dynalite;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The store contract on a real DynamoDB API (dynalite on loopback), plus what only this adapter has. */
class DynamoDbLockTableTest extends LockTableContract {
    private static final String TABLE = "locks-" + UUID.randomUUID().toString().substring(0, 8);

    private static DynamoDbClient client;
    private static DynamoDbLockTable table;

    @BeforeAll
    static void startStore() {
        client = client(Dynalite.shared().endpoint());
        table = new DynamoDbLockTable(client, TABLE);
        table.createTableIfMissing();
    }

    @AfterAll
    static void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected LockTable table() {
        return table;
    }

    static DynamoDbClient client(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(20)))
                .build();
    }

    @Test
    void createdTableHasTheKeySchemaAndThePrefixIndex() {
        table.createTableIfMissing(); // a second call finds the table and returns

        TableDescription d = client.describeTable(b -> b.tableName(TABLE)).table();
        assertThat(d.keySchema()).singleElement().satisfies(k -> {
            assertThat(k.attributeName()).isEqualTo("key");
            assertThat(k.keyTypeAsString()).isEqualTo("HASH");
        });
        assertThat(d.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
        GlobalSecondaryIndexDescription gsi = d.globalSecondaryIndexes().get(0);
        assertThat(gsi.indexName()).isEqualTo("by-segment");
        assertThat(gsi.keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                .containsExactly("seg:HASH", "key:RANGE");
        // Keys only: no lease field is projected, so heartbeats and releases write nothing to the index.
        assertThat(gsi.projection().projectionTypeAsString()).isEqualTo("KEYS_ONLY");
    }

    @Test
    void theItemHasTheDocumentedLayout() {
        LockKey key = key("layout/x");
        table.acquire(new NewLease(key, "lease-a", "ci", INFO, T0, 5_000, ""), T0 - 1_000);

        var item = client.getItem(b -> b.tableName(TABLE)
                        .consistentRead(true)
                        .key(java.util.Map.of(
                                "key",
                                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(key.value()))))
                .item();
        assertThat(item.get("seg").s()).isEqualTo(unique);
        assertThat(item.get("fence").n()).isEqualTo("1");
        assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(T0 + 5_000));
        assertThat(item.get("info").m().get("operation").s()).isEqualTo(INFO.operation());
        assertThat(item).doesNotContainKey("requestId"); // empty strings are never written
    }

    @Test
    void checkReadyFailsWhenTheTableIsMissing() {
        DynamoDbLockTable missing = new DynamoDbLockTable(client, "no-such-table-" + unique);

        assertThatThrownBy(missing::checkReady)
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("no-such-table-" + unique)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> missing.get(key("a")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void anUnreachableEndpointIsStoreUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (DynamoDbClient dead = DynamoDbClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofMillis(500)))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(5)))
                .build()) {
            DynamoDbLockTable unreachable = new DynamoDbLockTable(dead, TABLE);

            assertThatThrownBy(unreachable::checkReady)
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("DescribeTable")
                    .hasMessageContaining(TABLE);
            assertThatThrownBy(() -> unreachable.acquire(new NewLease(key("a"), "l", "o", INFO, T0, 1_000, ""), T0))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("acquire");
            assertThatThrownBy(() -> unreachable.list("", 10, "")).isInstanceOf(StoreUnavailableException.class);
        }
    }
}
