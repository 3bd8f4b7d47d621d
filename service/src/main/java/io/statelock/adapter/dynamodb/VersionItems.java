package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.KEY;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.common.LockKey;
import io.statelock.state.StateVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The kept older versions of a key's state, one immutable item each, beside the lock items in the same table:
 * hash key {@code /v/<lock key>#<seq, 20 digits>}. The reserved leading '/' keeps them out of every listing and
 * of the segment registry (no lock key starts with '/', and they have no {@code seg}, so no index entry), and
 * lets IAM scope the service's DeleteItem to them ({@code dynamodb:LeadingKeys} {@code /v/*}). An item is
 * written only for a version the pointer already names, just before the pointer moves away from it, so it
 * copies a committed version and never makes one (docs/design.md#invariant-3).
 */
final class VersionItems {
    static final String PREFIX = SegmentRegistry.RESERVED + "v/";
    /** BatchGetItem takes at most 100 keys per call. */
    private static final int BATCH = 100;

    private static final System.Logger LOG = System.getLogger("io.statelock.store");

    private final DynamoDbClient client;
    private final String table;

    VersionItems(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    static String itemKey(LockKey key, long seq) {
        return PREFIX + key.value() + "#" + String.format("%020d", seq);
    }

    /** Writes {@code v} as its own item unless it exists: a retry, or a raced write of the same version. */
    void put(StateVersion v) {
        Map<String, AttributeValue> values = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        StringBuilder set = new StringBuilder();
        StateItems.attributes(v).forEach((name, value) -> {
            set.append(set.length() == 0 ? "SET " : ", ")
                    .append('#')
                    .append(name)
                    .append(" = :")
                    .append(name);
            names.put("#" + name, name);
            values.put(":" + name, value);
        });
        names.put("#key", KEY);
        try {
            // Safety: immutable once written: a committed seq has exactly one content, so an existing item is
            // this very version (written by an earlier attempt) and is never overwritten.
            DynamoErrors.conditional(
                    "UpdateItem (state write: version item)",
                    table,
                    () -> client.updateItem(b -> b.tableName(table)
                            .key(Map.of(KEY, s(itemKey(v.key(), v.seq()))))
                            .updateExpression(set.toString())
                            .conditionExpression("attribute_not_exists(#key)")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)));
        } catch (ConditionalCheckFailedException e) {
            // Already there: nothing to do.
        }
    }

    /** The items of {@code seqs} that exist, newest first: one consistent BatchGetItem per 100 keys. */
    List<StateVersion> read(LockKey key, List<Long> seqs) {
        List<StateVersion> versions = new ArrayList<>();
        for (int from = 0; from < seqs.size(); from += BATCH) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (long seq : seqs.subList(from, Math.min(seqs.size(), from + BATCH))) {
                keys.add(Map.of(KEY, s(itemKey(key, seq))));
            }
            for (Map<String, AttributeValue> item : batchGet("state", keys))
                versions.add(StateItems.version(key, item));
        }
        versions.sort(Comparator.comparingLong(StateVersion::seq).reversed());
        return versions;
    }

    /** Consistent reads of {@code keys} (at most 100), retrying the keys the store left unprocessed. */
    List<Map<String, AttributeValue>> batchGet(String purpose, List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        // Consistent: a version or record read here is at least as new as the pointer read before it.
        Map<String, KeysAndAttributes> pending = Map.of(
                table,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int round = 0; !pending.isEmpty(); round++) {
            // Unprocessed keys mean throttling: back off (10 ms doubling, at most ~1 s) instead of hammering.
            if (round > 0) pause(Math.min(1_000, 10L << Math.min(round, 7)));
            if (round > 10) {
                throw new io.statelock.common.StoreUnavailableException(
                        "DynamoDB BatchGetItem on lock table " + table + " failed: keys still unprocessed after "
                                + round + " rounds (throttled)",
                        null);
            }
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response = DynamoErrors.call(
                    "BatchGetItem (" + purpose + ")", table, () -> client.batchGetItem(b -> b.requestItems(request)));
            items.addAll(response.responses().getOrDefault(table, List.of()));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return items;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.statelock.common.StoreUnavailableException("interrupted while reading versions", e);
        }
    }

    /**
     * Deletes the items of versions that left the history; best effort: the pointer has moved already, and an item
     * left behind is below the oldest kept seq, so no read ever returns it (its cost is its storage).
     */
    void delete(LockKey key, long fromSeq, long toSeqExclusive) {
        for (long seq = fromSeq; seq < toSeqExclusive; seq++) {
            String itemKey = itemKey(key, seq);
            try {
                ConsumedCapacity.during(
                        "state_write",
                        () -> client.deleteItem(b -> b.tableName(table).key(Map.of(KEY, s(itemKey)))));
            } catch (SdkException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "could not delete the expired version item {0}: {1}",
                        itemKey,
                        e.getMessage());
            }
        }
    }
}
