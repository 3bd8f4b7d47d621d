package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.KEY;
import static io.statelock.adapter.dynamodb.LockItems.SEG;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.common.KeyPrefix;
import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The first segments that keys use, kept in the lock table itself, so that a prefix ending inside the first
 * segment ({@code pro} for {@code prod/...} and {@code production/...}) is served by one Query per matching
 * segment on the {@code by-segment} index instead of a Scan of the table (DESIGN: no scan per call).
 *
 * <p>One item per segment: {@code key} = {@code "/" + segment} (never a lock key: keys cannot start with '/')
 * and {@code seg} = {@code "/"} (never a first segment), so the index keeps them all in its {@code "/"}
 * partition, in segment order. A replica registers a segment before its first acquire in it (one idempotent
 * UpdateItem per segment and replica lifetime; segments already in the registry when the replica first needs
 * one are read once, not written), so a key's segment is in the registry before the key exists. Like lock
 * records, they are never deleted.
 *
 * <p>The item {@code "/"} marks the registry complete. A table the service creates is complete from the start;
 * one made by an earlier version is completed once by {@link #backfill()} (a paged Scan of the keys). Until
 * then, a prefix without '/' is served by the paged Scan as before.
 */
final class SegmentRegistry {
    /** The index partition of the registry items, and the first character of their keys. */
    static final String RESERVED = "/";

    private static final String COMPLETE_FLAG = "registryComplete";
    private static final int PAGE = 100;
    private static final System.Logger LOG = System.getLogger("io.statelock.store");

    private final DynamoDbClient client;
    private final String table;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile boolean loaded; // the segments already in the registry were read once
    private volatile boolean complete;

    SegmentRegistry(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** Makes sure {@code segment} is in the registry; a store call only the first time this replica needs it. */
    void register(String segment) {
        if (registered.contains(segment)) return;
        if (!loaded) {
            try {
                load();
            } catch (StoreUnavailableException e) {
                // Only saves writes: without it the segment is written (again), which is just as correct.
                LOG.log(System.Logger.Level.DEBUG, "reading the segment registry failed; writing the segment", e);
            }
        }
        if (registered.contains(segment)) return;
        call(
                "UpdateItem (acquire: segment registry)",
                () -> client.updateItem(b -> b.tableName(table)
                        .key(Map.of(KEY, s(RESERVED + segment)))
                        // No condition: writing the same segment again changes nothing, so racing replicas need none.
                        .updateExpression("SET #seg = :reserved")
                        .expressionAttributeNames(Map.of("#seg", SEG))
                        .expressionAttributeValues(Map.of(":reserved", s(RESERVED)))));
        registered.add(segment);
    }

    /** Does the registry name every segment in use? Read until it says yes, then remembered (it never goes back). */
    boolean complete() {
        if (complete) return true;
        Map<String, AttributeValue> marker = call(
                        "GetItem (segment registry)",
                        () -> client.getItem(b ->
                                b.tableName(table).key(Map.of(KEY, s(RESERVED))).consistentRead(true)))
                .item();
        complete = marker != null && !marker.isEmpty();
        return complete;
    }

    void markComplete() {
        call(
                "UpdateItem (segment registry)",
                () -> client.updateItem(b -> b.tableName(table)
                        .key(Map.of(KEY, s(RESERVED)))
                        .updateExpression("SET #flag = :true")
                        .expressionAttributeNames(Map.of("#flag", COMPLETE_FLAG))
                        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true)))));
        complete = true;
    }

    /**
     * Completes the registry of a table written by an earlier version: registers the first segment of every
     * key (a paged Scan reading only the keys, once per table), then marks it complete. A no-op once complete.
     */
    void backfill() {
        if (complete()) return;
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder b = ScanRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    .limit(1000)
                    .projectionExpression("#key")
                    .expressionAttributeNames(Map.of("#key", KEY));
            if (start != null) b.exclusiveStartKey(start);
            ScanRequest request = b.build();
            ScanResponse page = call("Scan (segment registry backfill)", () -> client.scan(request));
            for (Map<String, AttributeValue> item : page.items()) {
                String key = item.get(KEY).s();
                if (!key.startsWith(RESERVED)) register(new LockKey(key).firstSegment());
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        markComplete();
    }

    /** The registered segments that start with {@code prefix}, from {@code fromSegment} on (inclusive; null: the first), in order. */
    Cursor segments(String prefix, String fromSegment) {
        return new Cursor(prefix, fromSegment);
    }

    /** Segments read lazily, a page of the registry at a time. */
    final class Cursor {
        private final String prefix;
        private final ArrayDeque<String> buffered = new ArrayDeque<>();
        private Map<String, AttributeValue> start;
        private String from;
        private boolean exhausted;

        private Cursor(String prefix, String fromSegment) {
            this.prefix = prefix;
            this.from = fromSegment == null ? prefix : fromSegment;
        }

        boolean hasNext() {
            while (buffered.isEmpty() && !exhausted) fetch();
            return !buffered.isEmpty();
        }

        String next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            return buffered.removeFirst();
        }

        private void fetch() {
            // [ "/" + from, "/" + prefix + "~" ]: every registered segment that starts with prefix, from `from` on.
            QueryRequest.Builder b = QueryRequest.builder()
                    .tableName(table)
                    .indexName(LockTableCreator.BY_SEGMENT)
                    .keyConditionExpression("#seg = :reserved AND #key BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#seg", SEG, "#key", KEY))
                    .expressionAttributeValues(Map.of(
                            ":reserved",
                            s(RESERVED),
                            ":from",
                            s(RESERVED + from),
                            ":to",
                            s(RESERVED + KeyPrefix.of(prefix).upperBound())))
                    .limit(PAGE);
            if (start != null) b.exclusiveStartKey(start);
            QueryRequest request = b.build();
            QueryResponse page = call("Query (segment registry)", () -> client.query(request));
            for (Map<String, AttributeValue> item : page.items())
                buffered.add(item.get(KEY).s().substring(1));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            exhausted = start == null;
        }
    }

    /** Reads the segments already registered (once per replica), so restarts do not write them again. */
    private void load() {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = call(
                    "Query (acquire: segment registry)",
                    () -> client.query(b -> {
                        b.tableName(table)
                                .indexName(LockTableCreator.BY_SEGMENT)
                                .keyConditionExpression("#seg = :reserved")
                                .expressionAttributeNames(Map.of("#seg", SEG))
                                .expressionAttributeValues(Map.of(":reserved", s(RESERVED)));
                        if (exclusiveStart != null) b.exclusiveStartKey(exclusiveStart);
                    }));
            for (Map<String, AttributeValue> item : page.items())
                registered.add(item.get(KEY).s().substring(1));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        loaded = true;
    }

    private <T> T call(String operation, Supplier<T> sdkCall) {
        return DynamoErrors.call(operation, table, sdkCall);
    }
}
