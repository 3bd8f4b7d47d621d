package io.statelock.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.audit.AuditStore;
import io.statelock.audit.AuditStoreContract;
import io.statelock.testing.Dynalite;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The audit store contract on a real DynamoDB API (dynalite on loopback), plus its table layout. */
class DynamoDbAuditStoreTest extends AuditStoreContract {
    private static final String TABLE = "audit-" + UUID.randomUUID().toString().substring(0, 8);

    private static DynamoDbClient client;
    private static DynamoDbAuditStore store;

    @BeforeAll
    static void startStore() {
        client = DynamoDbLockTableTest.client(Dynalite.shared().endpoint());
        store = new DynamoDbAuditStore(client, TABLE);
        store.createTableIfMissing();
    }

    @AfterAll
    static void closeClient() {
        if (client != null) client.close();
    }

    @Override
    protected AuditStore store() {
        return store;
    }

    @Test
    void tableIsKeyedByFirstSegmentAndTimeAsInTerraform() {
        store.createTableIfMissing(); // a second call finds it

        TableDescription d = client.describeTable(b -> b.tableName(TABLE)).table();
        assertThat(d.keySchema())
                .extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                .containsExactly("pk:HASH", "sk:RANGE");
        store.append(List.of(entry(T0, unique + "/net/a", "acquire")));
        var items = client.query(b -> b.tableName(TABLE)
                        .keyConditionExpression("pk = :p")
                        .expressionAttributeValues(java.util.Map.of(":p", AttributeValue.fromS(unique))))
                .items();
        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.get("sk").s()).startsWith("00" + T0 + "#");
            assertThat(item.get("key").s()).isEqualTo(unique + "/net/a");
            assertThat(item).doesNotContainKeys("leaseId", "token");
        });
    }
}
