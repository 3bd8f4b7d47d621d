package io.statelock.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.adapter.harness.FenceIgnoringStatePointers;
import io.statelock.common.LockKey;
import io.statelock.lock.LockInfo;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.StatePointerContract;
import io.statelock.testing.Dynalite;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The state pointer contract on a real DynamoDB API (dynalite on loopback). */
class DynamoDbStatePointerTest extends StatePointerContract {
    private static final String TABLE = "state-" + UUID.randomUUID().toString().substring(0, 8);
    private static DynamoDbClient client;
    private static DynamoDbLockTable table;

    @BeforeAll
    static void start() {
        client = DynamoDbLockTableTest.client(Dynalite.shared().endpoint());
        table = new DynamoDbLockTable(client, TABLE);
        table.createTableIfMissing();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
    }

    @Override
    protected LockTable table() {
        return table;
    }

    @Test
    void theDeliberatelyBrokenTableMovesThePointerForAStaleLeaseAndTheRealOneDoesNot() {
        LockKey key = new LockKey("broken-" + UUID.randomUUID().toString().substring(0, 8) + "/s");
        table.acquire(new NewLease(key, "old", "o", LockInfo.EMPTY, T0, 1_000, ""), T0 - 1_000);
        table.acquire(new NewLease(key, "new", "o", LockInfo.EMPTY, T0 + 5_000, 30_000, ""), T0 + 3_000);
        StateVersion stale = new StateVersion(
                key, 1, key.value() + "/~v/1-ab", 3, "c".repeat(64), "d".repeat(32), 1, T0 + 6_000, "o", -1, "", false);
        PointerMove staleMove = new PointerMove(key, "old", 1, T0 + 6_000, 0, List.of(stale));

        assertThat(table.movePointer(staleMove)).isInstanceOf(io.statelock.state.port.PointerResult.LeaseLost.class);
        assertThat(new FenceIgnoringStatePointers(table).movePointer(staleMove))
                .isInstanceOf(io.statelock.state.port.PointerResult.Moved.class);
        assertThat(table.stateHistory(key).versions()).containsExactly(stale);
    }

    @Test
    void thePointerFieldsAreOnTheLockItemForOperators() {
        LockKey key = new LockKey("layout-" + UUID.randomUUID().toString().substring(0, 8) + "/s");
        table.acquire(new NewLease(key, "l", "o", LockInfo.EMPTY, T0, 30_000, ""), T0 - 1_000);
        StateVersion v = new StateVersion(
                key, 1, key.value() + "/~v/1-ab", 3, "c".repeat(64), "d".repeat(32), 1, T0, "o", 7, "lin", false);
        table.movePointer(new PointerMove(key, "l", 1, T0, 0, List.of(v)));

        Map<String, AttributeValue> item = client.getItem(b ->
                        b.tableName(TABLE).consistentRead(true).key(Map.of("key", AttributeValue.fromS(key.value()))))
                .item();
        assertThat(item.get("stateVersion").n()).isEqualTo("1");
        assertThat(item.get("stateCurrent").m().get("blob").s()).isEqualTo(v.blob());
        assertThat(item.get("stateCurrent").m().get("sha256").s()).isEqualTo(v.sha256());
        assertThat(item.get("stateOldest").n()).isEqualTo("1");
        // Nothing on the lock item grows with the history (the older versions are items of their own).
        assertThat(item).doesNotContainKey("stateHistory");
    }
}
