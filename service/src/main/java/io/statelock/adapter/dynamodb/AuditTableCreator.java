package io.statelock.adapter.dynamodb;

import io.statelock.common.StoreUnavailableException;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Creates the audit table for local runs and tests (production tables come from Terraform):
 * on-demand billing, hash {@code pk} (the key's first segment), range {@code sk} (padded millis#id), as in deploy/terraform.
 */
final class AuditTableCreator {
    // Creating a table takes seconds on DynamoDB and nothing on dynalite (--createTableMs 0).
    private static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final long POLL_MS = 200;

    private final DynamoDbClient client;
    private final String table;

    AuditTableCreator(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    void createIfMissing() {
        try {
            if (describe() == null) create();
            awaitActive();
        } catch (SdkException e) {
            throw DynamoErrors.unavailable("CreateTable", table, e);
        }
    }

    private TableDescription describe() {
        try {
            return client.describeTable(b -> b.tableName(table)).table();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    private void create() {
        try {
            client.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder()
                                    .attributeName(DynamoDbAuditStore.SEG)
                                    .attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder()
                                    .attributeName(DynamoDbAuditStore.AT)
                                    .attributeType(ScalarAttributeType.S)
                                    .build())
                    .keySchema(
                            KeySchemaElement.builder()
                                    .attributeName(DynamoDbAuditStore.SEG)
                                    .keyType(KeyType.HASH)
                                    .build(),
                            KeySchemaElement.builder()
                                    .attributeName(DynamoDbAuditStore.AT)
                                    .keyType(KeyType.RANGE)
                                    .build()));
        } catch (ResourceInUseException e) {
            // Another replica created it at the same time: wait for it like for our own.
        }
    }

    private void awaitActive() {
        long deadline = System.nanoTime() + MAX_WAIT.toNanos();
        while (true) {
            TableDescription d = describe();
            if (d != null && LockTableCreator.isActive(d)) return;
            // Bounded: a table that never becomes ACTIVE fails the start instead of hanging it.
            if (System.nanoTime() > deadline) {
                throw new StoreUnavailableException(
                        "audit table " + table + " did not become ACTIVE within " + MAX_WAIT.toSeconds() + " s", null);
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting for audit table " + table, e);
            }
        }
    }
}
