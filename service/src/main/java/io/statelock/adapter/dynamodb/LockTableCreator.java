package io.statelock.adapter.dynamodb;

import io.statelock.common.StoreUnavailableException;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * Creates the lock table (for local runs and tests; production tables come from Terraform):
 * on-demand billing, hash key {@code key}, and the {@code by-segment} index that serves prefix listing. The index
 * projects keys only: no lease field is on it, so a heartbeat or a release writes no index entry (each one would
 * cost a write unit), and a listing reads the page's items with one BatchGetItem.
 * No TTL is ever set on it: lock records are never deleted (docs/design.md#invariant-2).
 */
final class LockTableCreator {
    static final String BY_SEGMENT = "by-segment";
    // Creating a table takes seconds on DynamoDB and nothing on dynalite (--createTableMs 0).
    private static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final long POLL_MS = 200;

    private final DynamoDbClient client;
    private final String table;

    LockTableCreator(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** True when this call created the table (not when it existed, nor when another replica won the race). */
    boolean createIfMissing() {
        try {
            boolean created = describe() == null && create();
            awaitActive();
            return created;
        } catch (SdkException e) {
            throw DynamoErrors.unavailable("CreateTable", table, e);
        }
    }

    /** The table's description, or null when it does not exist. */
    TableDescription describe() {
        try {
            return client.describeTable(b -> b.tableName(table)).table();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    private boolean create() {
        try {
            client.createTable(CreateTableRequest.builder()
                    .tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName(LockItems.KEY)
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName(LockItems.SEG)
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                    .keySchema(KeySchemaElement.builder()
                            .attributeName(LockItems.KEY)
                            .keyType(KeyType.HASH)
                            .build())
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                            .indexName(BY_SEGMENT)
                            .keySchema(
                                    KeySchemaElement.builder()
                                            .attributeName(LockItems.SEG)
                                            .keyType(KeyType.HASH)
                                            .build(),
                                    KeySchemaElement.builder()
                                            .attributeName(LockItems.KEY)
                                            .keyType(KeyType.RANGE)
                                            .build())
                            .projection(Projection.builder()
                                    .projectionType(ProjectionType.KEYS_ONLY)
                                    .build())
                            .build())
                    .build());
            return true;
        } catch (ResourceInUseException e) {
            // Another replica created it at the same time: fine, wait for it like for our own.
            return false;
        }
    }

    private void awaitActive() {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (true) {
            TableDescription d = describe();
            if (d != null && isActive(d)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StoreUnavailableException(
                        "lock table " + table + " did not become ACTIVE within " + MAX_WAIT.toSeconds() + " s (status "
                                + (d == null ? "missing" : d.tableStatusAsString()) + ")",
                        null);
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting for lock table " + table, e);
            }
        }
    }

    /** The table and its prefix index both serve requests. */
    /** Throws {@link StoreUnavailableException} with the reason unless the table exists and is ACTIVE with its index. */
    void requireActive() {
        TableDescription d;
        try {
            d = describe();
        } catch (SdkException e) {
            throw DynamoErrors.unavailable("DescribeTable", table, e);
        }
        if (d == null) {
            throw new StoreUnavailableException("lock table " + table + " does not exist", null);
        }
        if (!isActive(d)) {
            throw new StoreUnavailableException(
                    "lock table " + table + " is not ACTIVE (status " + d.tableStatusAsString() + ")", null);
        }
    }

    static boolean isActive(TableDescription d) {
        if (d.tableStatus() != TableStatus.ACTIVE) {
            return false;
        }
        for (GlobalSecondaryIndexDescription gsi : d.globalSecondaryIndexes()) {
            if (gsi.indexStatus() != null && gsi.indexStatus() != IndexStatus.ACTIVE) {
                return false;
            }
        }
        return true;
    }
}
