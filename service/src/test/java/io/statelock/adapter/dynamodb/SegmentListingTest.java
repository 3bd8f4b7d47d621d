package io.statelock.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.common.LockKey;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.RecordPage;
import io.statelock.testing.Dynalite;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Prefixes without '/' on a real DynamoDB API (dynalite): served by Queries on the by-segment index through the
 * segment registry, never by a Scan, with exactly the right keys across several first segments and pages.
 * Every request the adapter sends is counted by operation name on its own SDK client.
 */
class SegmentListingTest {
    static final long T0 = 1_700_000_000_000L;

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    DynamoDbClient client;
    String tableName;
    DynamoDbLockTable table;

    @BeforeEach
    void createTable() {
        client = client(calls);
        tableName = "segments-" + UUID.randomUUID().toString().substring(0, 8);
        table = new DynamoDbLockTable(client, tableName);
        table.createTableIfMissing();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    static DynamoDbClient client(Map<String, AtomicInteger> calls) {
        return DynamoDbClient.builder()
                .endpointOverride(Dynalite.shared().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                        calls.computeIfAbsent(operation, k -> new AtomicInteger())
                                .incrementAndGet();
                    }
                }))
                .build();
    }

    int count(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    void acquire(DynamoDbLockTable on, String key) {
        AcquireResult result = on.acquire(
                new NewLease(new LockKey(key), "lease-" + UUID.randomUUID(), "ci", LockInfo.EMPTY, T0, 60_000, ""),
                T0 - 1_000);
        assertThat(result).isInstanceOf(AcquireResult.Granted.class);
    }

    static final List<String> MATCHING = List.of("pro", "pro-x/y", "pro.d/z", "prod/a", "prod/b/c", "production/x");
    static final List<String> OTHERS = List.of("pr/z", "other/pro", "prx/a", "p");

    void acquireAll() {
        for (String k : MATCHING) acquire(table, k);
        for (String k : OTHERS) acquire(table, k);
    }

    @Test
    void aPrefixWithoutSlashIsQueriesPerMatchingSegmentAndNoScan() {
        acquireAll();
        calls.clear();

        RecordPage page = table.list("pro", 100, "");

        assertThat(page.records()).extracting(r -> r.key().value()).containsExactlyElementsOf(MATCHING);
        assertThat(page.nextPageToken()).isEmpty();
        assertThat(count("Scan")).as("Scans").isZero();
        // one registry page, then one Query per matching segment (pro, pro-x, pro.d, prod, production)
        assertThat(count("Query")).isEqualTo(1 + 5);
        assertThat(table.list("prod", 100, "").records())
                .extracting(r -> r.key().value())
                .containsExactly("prod/a", "prod/b/c", "production/x");
        assertThat(table.list("q", 100, "").records()).isEmpty();
        assertThat(count("Scan")).as("Scans").isZero();
    }

    @Test
    void pagesAcrossSegmentsVisitEveryKeyOnceWithoutAScan() {
        acquireAll();
        for (int i = 0; i < 7; i++) acquire(table, "prod/k" + i);
        Set<String> expected = new HashSet<>(MATCHING);
        for (int i = 0; i < 7; i++) expected.add("prod/k" + i);
        calls.clear();

        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            RecordPage page = table.list("pro", 3, token);
            pages++;
            assertThat(page.records().size()).isLessThanOrEqualTo(3);
            if (!page.nextPageToken().isEmpty()) assertThat(page.records()).hasSize(3);
            page.records().stream().map(r -> r.key().value()).forEach(seen::add);
            token = page.nextPageToken();
        } while (!token.isEmpty() && pages < 20);

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(expected);
        assertThat(count("Scan")).as("Scans").isZero();
    }

    @Test
    void aSegmentIsRegisteredOnceThenEveryAcquireIsOneWrite() {
        acquire(table, "fresh/a"); // a new segment: its registry item, then the acquire
        assertThat(count("UpdateItem")).isEqualTo(1 + 1 + 1); // + the marker written at the table's creation
        calls.clear();
        for (int i = 0; i < 10; i++) acquire(table, "fresh/k" + i);
        assertThat(count("UpdateItem"))
                .as("writes for 10 acquires in a known segment")
                .isEqualTo(10);

        // Another replica reads the registry once instead of writing the segments it already holds.
        Map<String, AtomicInteger> otherCalls = new ConcurrentHashMap<>();
        try (DynamoDbClient otherClient = client(otherCalls)) {
            DynamoDbLockTable other = new DynamoDbLockTable(otherClient, tableName);
            for (int i = 0; i < 5; i++) acquire(other, "fresh/other" + i);
            assertThat(otherCalls.get("UpdateItem").get()).isEqualTo(5);
            assertThat(otherCalls.get("Query").get()).isEqualTo(1);
        }
    }

    @Test
    void everyKeyIsAPagedScanThatSkipsTheRegistry() {
        acquireAll();
        List<String> all = new ArrayList<>();
        String token = "";
        do {
            RecordPage page = table.list("", 4, token);
            page.records().stream().map(LockRecord::key).map(LockKey::value).forEach(all::add);
            token = page.nextPageToken();
        } while (!token.isEmpty());
        List<String> expected = new ArrayList<>(MATCHING);
        expected.addAll(OTHERS);
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A table as an earlier version left it: lock items, no segment registry, no completion marker. */
    DynamoDbLockTable tableOfAnEarlierVersion(List<String> keys) {
        new DynamoDbLockTable(client, "old-" + tableName).createTableIfMissing();
        client.deleteItem(b -> b.tableName("old-" + tableName).key(Map.of("key", AttributeValue.fromS("/"))));
        for (String k : keys) {
            client.putItem(b -> b.tableName("old-" + tableName)
                    .item(Map.of(
                            "key",
                            AttributeValue.fromS(k),
                            "seg",
                            AttributeValue.fromS(new LockKey(k).firstSegment()),
                            "fence",
                            AttributeValue.fromN("1"))));
        }
        return new DynamoDbLockTable(client, "old-" + tableName);
    }

    @Test
    void aListingBegunByAScanGoesOnWithItWhenTheRegistryCompletesMeanwhile() {
        List<String> keys = new ArrayList<>();
        for (String segment : List.of("pa", "pb", "pc", "pd", "pe")) {
            for (int i = 0; i < 3; i++) keys.add(segment + "/k" + i);
        }
        DynamoDbLockTable upgraded = tableOfAnEarlierVersion(keys);
        RecordPage first = upgraded.list("p", 4, ""); // a Scan, in the table's hash order
        upgraded.completeSegmentRegistry();
        List<String> seen = new ArrayList<>(
                first.records().stream().map(r -> r.key().value()).toList());
        String token = first.nextPageToken();
        while (!token.isEmpty()) {
            RecordPage page = upgraded.list("p", 4, token);
            page.records().forEach(r -> seen.add(r.key().value()));
            token = page.nextPageToken();
        }
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void aTableFromAnEarlierVersionScansUntilItsRegistryIsCompleted() {
        DynamoDbLockTable upgraded = tableOfAnEarlierVersion(List.of("pro", "prod/a", "production/x", "other/b"));
        calls.clear();
        assertThat(upgraded.list("pro", 100, "").records())
                .extracting(r -> r.key().value())
                .containsExactly("pro", "prod/a", "production/x");
        assertThat(count("Scan")).as("an incomplete registry is not trusted").isPositive();

        upgraded.completeSegmentRegistry();
        calls.clear();
        assertThat(upgraded.list("pro", 100, "").records())
                .extracting(r -> r.key().value())
                .containsExactly("pro", "prod/a", "production/x");
        assertThat(count("Scan")).isZero();
        assertThat(new DynamoDbLockTable(client, "old-" + tableName)
                        .list("pr", 100, "")
                        .records())
                .hasSize(3);
        assertThat(count("Scan"))
                .as("the marker is in the table: another replica trusts the registry")
                .isZero();
    }
}
