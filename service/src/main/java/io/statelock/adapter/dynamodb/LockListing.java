package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.KEY;
import static io.statelock.adapter.dynamodb.LockItems.SEG;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.adapter.PageTokens;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.KeyPrefix;
import io.statelock.common.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.RecordPage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Paged listing of lock records, never a Scan for a non-empty prefix once the segment registry is complete:
 * a prefix with a '/' fixes the first segment, one Query on the {@code by-segment} index; a prefix without
 * one ends inside the first segment, so it is one Query per registered segment that starts with it
 * ({@link SegmentRegistry}), in segment order. Only the empty prefix (every key) is a paged Scan. Page tokens
 * name the last key returned (its segment is its first), so nothing is skipped or repeated.
 */
final class LockListing {
    /** Page token of a listing in index order (one segment, or the registry's segments), and of a Scan. */
    private static final String INDEX_TOKEN = "k1";

    private static final String SCAN_TOKEN = "s1";
    /** A token is the Base64 of {@code <kind>:<last key>}. */
    private static final PageTokens TOKENS = new PageTokens("", ':', 2, "is not a token from a previous List response");
    // Items evaluated per Scan call: a filter may drop most of them, so read more than we return.
    private static final int MAX_SCAN_BATCH = 1000;

    private final DynamoDbClient client;
    private final String table;
    private final SegmentRegistry segments;
    private final VersionItems reads;

    LockListing(DynamoDbClient client, String table, SegmentRegistry segments) {
        this.client = client;
        this.table = table;
        this.segments = segments;
        this.reads = new VersionItems(client, table);
    }

    /** Where the previous page ended: its last key, and whether it was read by a Scan (whose order is not the index's). */
    private record Position(String key, boolean scanned) {}

    /** Records under {@code prefix}, at most {@code limit}, after the page {@code pageToken} names (empty: the first). */
    RecordPage list(String prefix, int limit, String pageToken) {
        Position after = decodeToken(pageToken, prefix);
        String afterKey = after == null ? null : after.key();
        if (prefix.indexOf('/') >= 0) {
            Chunk chunk = querySegment(prefix.substring(0, prefix.indexOf('/')), prefix, limit, afterKey);
            return page(withRecords(chunk.items(), limit), limit, chunk.more(), INDEX_TOKEN);
        }
        // A table from an earlier version scans until its registry is backfilled (SegmentRegistry.backfill); a
        // listing that began with a Scan goes on with it, as the two orders differ.
        boolean scan = prefix.isEmpty() || (after != null ? after.scanned() : !segments.complete());
        return scan ? scan(prefix, limit, afterKey) : queryRegisteredSegments(prefix, limit, afterKey);
    }

    private RecordPage queryRegisteredSegments(String prefix, int limit, String after) {
        String fromSegment = after == null ? null : new LockKey(after).firstSegment();
        SegmentRegistry.Cursor cursor = segments.segments(prefix, fromSegment);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        boolean more = false;
        while (items.size() < limit && cursor.hasNext()) {
            String segment = cursor.next();
            Chunk chunk =
                    querySegment(segment, prefix, limit - items.size(), segment.equals(fromSegment) ? after : null);
            items.addAll(chunk.items());
            more = chunk.more();
        }
        return page(withRecords(items, limit), limit, more || (items.size() >= limit && cursor.hasNext()), INDEX_TOKEN);
    }

    /** Items of one first segment: what the by-segment index holds in that partition. */
    private record Chunk(List<Map<String, AttributeValue>> items, boolean more) {}

    private Chunk querySegment(String seg, String prefix, int limit, String after) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = after == null ? null : Map.of(KEY, s(after), SEG, s(seg));
        boolean more = true;
        while (items.size() < limit && more) {
            QueryRequest.Builder b = QueryRequest.builder()
                    .tableName(table)
                    .indexName(LockTableCreator.BY_SEGMENT)
                    .keyConditionExpression("#seg = :seg AND begins_with(#key, :prefix)")
                    .expressionAttributeNames(Map.of("#seg", SEG, "#key", KEY))
                    .expressionAttributeValues(Map.of(":seg", s(seg), ":prefix", s(prefix)))
                    .limit(limit - items.size());
            if (start != null) {
                b.exclusiveStartKey(start);
            }
            QueryRequest request = b.build();
            QueryResponse response = call("Query (list)", () -> client.query(request));
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
            more = start != null;
        }
        return new Chunk(items, more);
    }

    private RecordPage scan(String prefix, int limit, String after) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = after == null ? null : Map.of(KEY, s(after));
        boolean more = true;
        while (items.size() < limit && more) {
            ScanRequest.Builder b = ScanRequest.builder()
                    .tableName(table)
                    .consistentRead(true)
                    // Limit counts items evaluated, not returned: loop until the page is full or the table ends.
                    .limit(Math.min(MAX_SCAN_BATCH, Math.max(100, 2 * (limit - items.size()))))
                    .expressionAttributeNames(Map.of("#key", KEY));
            if (prefix.isEmpty()) {
                // Every lock record, but not the segment registry's items (their keys start with '/').
                b.filterExpression("NOT begins_with(#key, :reserved)")
                        .expressionAttributeValues(Map.of(":reserved", s(SegmentRegistry.RESERVED)));
            } else {
                b.filterExpression("begins_with(#key, :prefix)")
                        .expressionAttributeValues(Map.of(":prefix", s(prefix)));
            }
            if (start != null) {
                b.exclusiveStartKey(start);
            }
            ScanRequest request = b.build();
            ScanResponse response = call("Scan (list)", () -> client.scan(request));
            items.addAll(response.items());
            start = response.hasLastEvaluatedKey()
                            && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey()
                    : null;
            more = start != null;
        }
        return page(items, limit, more, SCAN_TOKEN);
    }

    /**
     * The whole lock items of index entries, in their order: the index projects keys only (so a heartbeat, which
     * changes no key, costs no index write), and the page's records are one consistent BatchGetItem per 100 keys.
     * An entry whose item has gone meanwhile is dropped; its key still ends the page, so the page's end stays put.
     */
    private List<Map<String, AttributeValue>> withRecords(List<Map<String, AttributeValue>> entries, int limit) {
        List<Map<String, AttributeValue>> kept = entries.size() > limit ? entries.subList(0, limit) : entries;
        Map<String, Map<String, AttributeValue>> byKey = new java.util.HashMap<>();
        for (int from = 0; from < kept.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (Map<String, AttributeValue> e : kept.subList(from, Math.min(kept.size(), from + 100))) {
                keys.add(Map.of(KEY, e.get(KEY)));
            }
            for (Map<String, AttributeValue> item : reads.batchGet("list", keys))
                byKey.put(item.get(KEY).s(), item);
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>(entries.size());
        for (Map<String, AttributeValue> e : entries) {
            items.add(byKey.getOrDefault(e.get(KEY).s(), Map.of(KEY, e.get(KEY))));
        }
        return items;
    }

    /**
     * Cuts the items (in store order) to {@code limit}; the next page resumes after the last item
     * kept, so nothing is skipped or repeated. Within the page, records are sorted by key.
     */
    private static RecordPage page(List<Map<String, AttributeValue>> items, int limit, boolean more, String tokenKind) {
        List<Map<String, AttributeValue>> kept = items.size() > limit ? items.subList(0, limit) : items;
        boolean hasNext = more || items.size() > limit;
        String token = hasNext && !kept.isEmpty()
                ? encodeToken(tokenKind, kept.get(kept.size() - 1).get(KEY).s())
                : "";
        List<LockRecord> records = new ArrayList<>(kept.size());
        for (Map<String, AttributeValue> item : kept) {
            records.add(LockItems.record(item));
        }
        records.sort(Comparator.comparing(LockRecord::key));
        return new RecordPage(records, token);
    }

    private static String encodeToken(String kind, String lastKey) {
        return TOKENS.encode(kind, lastKey);
    }

    /** Where the previous page ended, or null for the first page. */
    private static Position decodeToken(String token, String prefix) {
        List<String> position = TOKENS.decode(token);
        if (position.isEmpty()) {
            return null;
        }
        boolean scanned = position.get(0).equals(SCAN_TOKEN);
        String key = position.get(1);
        if (!scanned && !position.get(0).equals(INDEX_TOKEN) || LockKey.problem(key) != null) {
            throw TOKENS.invalid();
        }
        if (!KeyPrefix.of(prefix).matches(key)) {
            throw InvalidArgumentException.of("page_token", "belongs to a listing of another prefix");
        }
        return new Position(key, scanned);
    }

    private <T> T call(String operation, Supplier<T> sdkCall) {
        return DynamoErrors.call(operation, table, sdkCall);
    }
}
