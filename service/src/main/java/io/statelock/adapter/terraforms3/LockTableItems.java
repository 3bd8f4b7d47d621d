package io.statelock.adapter.terraforms3;

import static io.statelock.adapter.terraforms3.LockInfoJson.unavailable;

import io.statelock.adapter.terraforms3.LockInfoJson.Stored;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Terraform's DynamoDB lock table ({@code dynamodb_table}): an item {@code LockID} = {@code <bucket>/<state key>},
 * {@code Info} = the LockInfo JSON. The {@code <LockID>-md5} digest items beside the locks are never touched. Reads
 * are strongly consistent, so a lock just taken or removed is seen as such.
 */
final class LockTableItems {
    private final DynamoDbClient dynamoDb;
    private final String table;

    LockTableItems(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    Optional<Stored> read(String lockId) {
        try {
            var item = dynamoDb.getItem(r ->
                            r.tableName(table).consistentRead(true).key(Map.of("LockID", AttributeValue.fromS(lockId))))
                    .item();
            if (item == null || !item.containsKey("Info") || item.get("Info").s() == null) return Optional.empty();
            return LockInfoJson.parse(item.get("Info").s(), "");
        } catch (SdkException e) {
            throw unavailable("reading the lock of " + lockId + " from table " + table, e);
        }
    }

    /** The locks whose LockID starts with {@code prefix}, by LockID. */
    Map<String, Stored> list(String prefix) {
        // A scan: Terraform's lock table holds only the locks in force and one digest item per state. The filter
        // keeps the keys under the prefix that carry a LockInfo (the -md5 digest items have none).
        ScanRequest scan = ScanRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .filterExpression("begins_with(LockID, :p) AND attribute_exists(Info)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(prefix)))
                .build();
        Map<String, Stored> locks = new TreeMap<>();
        try {
            dynamoDb.scanPaginator(scan)
                    .items()
                    .forEach(item -> LockInfoJson.parse(item.get("Info").s(), "")
                            .ifPresent(f -> locks.put(item.get("LockID").s(), f)));
        } catch (SdkException e) {
            throw unavailable("listing the Terraform lock table " + table, e);
        }
        return locks;
    }

    /** Writes the lock where there is none; false when an item was there (this claim's own one included). */
    boolean create(String lockId, String json) {
        try {
            // attribute_not_exists(LockID): written only where no lock item exists, as Terraform writes its own.
            dynamoDb.putItem(r -> r.tableName(table)
                    .conditionExpression("attribute_not_exists(LockID)")
                    .item(Map.of("LockID", AttributeValue.fromS(lockId), "Info", AttributeValue.fromS(json))));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        } catch (SdkException e) {
            throw unavailable("taking the lock of " + lockId + " in table " + table, e);
        }
    }

    /** Deletes the item while it is still exactly {@code seen}; false when it has changed or gone. */
    boolean delete(String lockId, Stored seen) {
        try {
            // Compare-and-delete: only while Info is still exactly the lock read (the ID named), so a lock another run
            // took since is never deleted.
            dynamoDb.deleteItem(r -> r.tableName(table)
                    .key(Map.of("LockID", AttributeValue.fromS(lockId)))
                    .conditionExpression("Info = :info")
                    .expressionAttributeValues(Map.of(":info", AttributeValue.fromS(seen.json()))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        } catch (SdkException e) {
            throw unavailable("removing the lock of " + lockId + " from table " + table, e);
        }
    }
}
