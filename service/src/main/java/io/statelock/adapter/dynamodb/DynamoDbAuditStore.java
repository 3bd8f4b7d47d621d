package io.statelock.adapter.dynamodb;

import io.statelock.adapter.PageTokens;
import io.statelock.audit.AuditEntry;
import io.statelock.audit.AuditPage;
import io.statelock.audit.AuditQuery;
import io.statelock.audit.AuditStore;
import io.statelock.common.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The audit table on DynamoDB (deploy/terraform): hash key {@code pk} = the key's first segment, range key {@code sk} =
 * zero-padded epoch millis + '#' + random id. A prefix with a '/' is one partition's Query over a
 * time range (no scan); a prefix without '/' or an empty one is a paged, filtered Scan.
 * Records go in with {@code BatchWriteItem} (25 per request), unprocessed items retried.
 */
public final class DynamoDbAuditStore implements AuditStore {
    static final String SEG = "pk";
    static final String AT = "sk";
    private static final int BATCH_LIMIT = 25;
    private static final int UNPROCESSED_RETRIES = 8;
    private static final long UNPROCESSED_BACKOFF_MS = 50;
    // Round trips one query call makes at most: a narrow filter in a big partition returns a short page and a token.
    private static final int MAX_ROUNDS = 10;
    /** A token is {@code d1:} and the Base64 of {@code <segment>\n<at>}: the last item's key. */
    private static final PageTokens TOKENS = new PageTokens("d1:", '\n', 2, "is not a token this service issued");

    private final DynamoDbClient client;
    private final String table;

    public DynamoDbAuditStore(DynamoDbClient client, String table) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** Creates the audit table unless it exists, and waits until it is ACTIVE. */
    public void createTableIfMissing() {
        new AuditTableCreator(client, table).createIfMissing();
    }

    @Override
    public void append(List<AuditEntry> entries) {
        for (int from = 0; from < entries.size(); from += BATCH_LIMIT) {
            List<WriteRequest> writes = new ArrayList<>();
            for (AuditEntry e : entries.subList(from, Math.min(entries.size(), from + BATCH_LIMIT))) {
                writes.add(WriteRequest.builder()
                        .putRequest(
                                PutRequest.builder().item(AuditItems.item(e)).build())
                        .build());
            }
            writeAll(writes);
        }
    }

    private void writeAll(List<WriteRequest> writes) {
        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
        try {
            for (int attempt = 0; ; attempt++) {
                Map<String, List<WriteRequest>> items = pending;
                BatchWriteItemResponse r =
                        ConsumedCapacity.during("audit", () -> client.batchWriteItem(b -> b.requestItems(items)));
                // Throttled items come back unprocessed (not as an error): retry them with backoff, bounded.
                if (!r.hasUnprocessedItems() || r.unprocessedItems().isEmpty()) return;
                if (attempt >= UNPROCESSED_RETRIES) {
                    throw new StoreUnavailableException(
                            "DynamoDB BatchWriteItem on audit table " + table + ": "
                                    + r.unprocessedItems()
                                            .getOrDefault(table, List.of())
                                            .size() + " items still unprocessed",
                            null);
                }
                pending = r.unprocessedItems();
                Thread.sleep(UNPROCESSED_BACKOFF_MS << Math.min(attempt, 5));
            }
        } catch (SdkException e) {
            throw DynamoErrors.unavailable("BatchWriteItem", table, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while writing audit records", e);
        }
    }

    @Override
    public AuditPage query(AuditQuery q) {
        Map<String, AttributeValue> start = decode(q.pageToken());
        boolean onePartition = q.prefix().contains("/");
        List<AuditEntry> out = new ArrayList<>();
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                int remaining = q.pageSize() - out.size();
                List<Map<String, AttributeValue>> items;
                Map<String, AttributeValue> last;
                if (onePartition) {
                    Map<String, AttributeValue> from = start;
                    QueryResponse r =
                            ConsumedCapacity.during("audit", () -> client.query(queryRequest(q, remaining, from)));
                    items = r.items();
                    last = r.hasLastEvaluatedKey() ? r.lastEvaluatedKey() : Map.of();
                } else {
                    Map<String, AttributeValue> from = start;
                    ScanResponse r =
                            ConsumedCapacity.during("audit", () -> client.scan(scanRequest(q, remaining, from)));
                    items = r.items();
                    last = r.hasLastEvaluatedKey() ? r.lastEvaluatedKey() : Map.of();
                }
                // Limit = remaining counts evaluated items, so a round never returns more than still fits.
                for (Map<String, AttributeValue> item : items) out.add(AuditItems.entry(item));
                if (last.isEmpty()) return new AuditPage(ordered(q, onePartition, out), "");
                start = last;
                if (out.size() >= q.pageSize()) break;
            }
            return new AuditPage(ordered(q, onePartition, out), encode(start));
        } catch (SdkException e) {
            // A start key that is not a position of this query (a token carried to another prefix): the caller's.
            if (!q.pageToken().isEmpty()
                    && e instanceof software.amazon.awssdk.services.dynamodb.model.DynamoDbException d
                    && d.awsErrorDetails() != null
                    && "ValidationException".equals(d.awsErrorDetails().errorCode())) {
                throw io.statelock.common.InvalidArgumentException.of(
                        "page_token", "is not a position of this query: list again from the start");
            }
            throw DynamoErrors.unavailable(onePartition ? "Query" : "Scan", table, e);
        }
    }

    /**
     * A Query reads one segment in time order, either way. A Scan (a prefix that names no whole first segment)
     * reads in the table's hash order: each page is sorted, but pages are not in time order across segments.
     */
    private static List<AuditEntry> ordered(AuditQuery q, boolean onePartition, List<AuditEntry> page) {
        if (onePartition) return page;
        java.util.Comparator<AuditEntry> byTime =
                java.util.Comparator.comparingLong(AuditEntry::atMs).thenComparing(AuditEntry::id);
        page.sort(q.newestFirst() ? byTime.reversed() : byTime);
        return page;
    }

    private QueryRequest queryRequest(AuditQuery q, int limit, Map<String, AttributeValue> start) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":seg", AttributeValue.fromS(AuditEntry.segmentOf(q.prefix())));
        values.put(":lo", AttributeValue.fromS(AuditItems.lowerBound(q.sinceMs())));
        values.put(":hi", AttributeValue.fromS(AuditItems.upperBound(q.untilMs())));
        values.put(":prefix", AttributeValue.fromS(q.prefix()));
        QueryRequest.Builder b = QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .limit(limit)
                .keyConditionExpression("#seg = :seg AND #at BETWEEN :lo AND :hi")
                .scanIndexForward(!q.newestFirst())
                .filterExpression("begins_with(#key, :prefix)")
                .expressionAttributeNames(Map.of("#seg", SEG, "#at", AT, "#key", AuditItems.KEY))
                .expressionAttributeValues(values);
        if (!start.isEmpty()) b.exclusiveStartKey(start);
        return b.build();
    }

    private ScanRequest scanRequest(AuditQuery q, int limit, Map<String, AttributeValue> start) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":lo", AttributeValue.fromS(AuditItems.lowerBound(q.sinceMs())));
        values.put(":hi", AttributeValue.fromS(AuditItems.upperBound(q.untilMs())));
        Map<String, String> names = new HashMap<>(Map.of("#at", AT));
        String filter = "#at BETWEEN :lo AND :hi";
        // An empty prefix would make begins_with fail validation ("" is not a valid operand): leave it out.
        if (!q.prefix().isEmpty()) {
            values.put(":prefix", AttributeValue.fromS(q.prefix()));
            names.put("#key", AuditItems.KEY);
            filter += " AND begins_with(#key, :prefix)";
        }
        ScanRequest.Builder b = ScanRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .limit(limit)
                .filterExpression(filter)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values);
        if (!start.isEmpty()) b.exclusiveStartKey(start);
        return b.build();
    }

    private static String encode(Map<String, AttributeValue> key) {
        return TOKENS.encode(key.get(SEG).s(), key.get(AT).s());
    }

    private static Map<String, AttributeValue> decode(String token) {
        List<String> position = TOKENS.decode(token);
        if (position.isEmpty()) return Map.of();
        return Map.of(SEG, AttributeValue.fromS(position.get(0)), AT, AttributeValue.fromS(position.get(1)));
    }
}
