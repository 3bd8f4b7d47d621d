package io.statelock.adapter.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.common.LockKey;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.RecordPage;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.testing.Dynalite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Older state versions as items of their own: the layout, retention, listings, and a table of the earlier layout. */
class DynamoDbVersionItemsTest {
    private static final String TABLE =
            "versions-" + UUID.randomUUID().toString().substring(0, 8);
    private static final long T0 = 1_800_000_000_000L;
    private static DynamoDbClient client;
    private static DynamoDbLockTable table;
    private final String unique =
            "vi" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

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

    private LockKey key(String name) {
        return new LockKey(unique + "/" + name);
    }

    private static LockRecord acquire(LockKey key, String leaseId) {
        AcquireResult r = table.acquire(
                new NewLease(
                        key,
                        leaseId,
                        "ci",
                        new LockInfo("apply", "runner-1", "1.11.4", key.value(), "pipeline 7", Map.of("job", "plan")),
                        T0,
                        600_000,
                        ""),
                T0 - 1_000);
        assertThat(r).isInstanceOf(AcquireResult.Granted.class);
        return ((AcquireResult.Granted) r).record();
    }

    private static StateVersion version(LockKey key, long seq, long fence) {
        return new StateVersion(
                key,
                seq,
                key.value() + "/~v/" + fence + "-" + seq,
                100 + seq,
                "a".repeat(64),
                "b".repeat(32),
                fence,
                T0 + seq,
                "ci",
                seq,
                "lineage-1",
                false);
    }

    private static Map<String, AttributeValue> item(String key) {
        return client.getItem(
                        b -> b.tableName(TABLE).consistentRead(true).key(Map.of("key", AttributeValue.fromS(key))))
                .item();
    }

    /** Writes {@code count} versions with a history of {@code keep}, as the state coordinator does. */
    private static void write(LockKey key, LockRecord held, int count, int keep) {
        Optional<StateVersion> previous = Optional.empty();
        for (long seq = 1; seq <= count; seq++) {
            StateVersion next = version(key, seq, held.fenceCounter());
            PointerResult r = table.movePointer(new PointerMove(
                    key,
                    held.leaseId(),
                    held.fenceCounter(),
                    T0 + seq,
                    seq - 1,
                    next,
                    previous,
                    Math.max(1, seq - keep + 1)));
            assertThat(r).isInstanceOf(PointerResult.Moved.class);
            previous = Optional.of(next);
        }
    }

    @Test
    void theLockItemHoldsOnlyTheCurrentVersionAndTheOthersAreImmutableItems() {
        LockKey key = key("layout");
        LockRecord held = acquire(key, "lease-a");
        write(key, held, 12, 10);

        Map<String, AttributeValue> lock = item(key.value());
        assertThat(lock.get("stateVersion").n()).isEqualTo("12");
        assertThat(lock.get("stateOldest").n()).isEqualTo("3");
        assertThat(lock).doesNotContainKeys("stateHistory", "stateBlob");
        assertThat(table.versions(key, Long.MAX_VALUE, 100))
                .extracting(StateVersion::seq)
                .containsExactly(12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L);
        assertThat(table.versions(key, 7, 3)).extracting(StateVersion::seq).containsExactly(6L, 5L, 4L);
        assertThat(table.version(key, 4)).contains(version(key, 4, held.fenceCounter()));
        assertThat(table.version(key, 2)).isEmpty();
        // The expired ones are deleted; the current one has no item of its own (the lock item holds it).
        assertThat(item(VersionItems.itemKey(key, 1))).isEmpty();
        assertThat(item(VersionItems.itemKey(key, 2))).isEmpty();
        assertThat(item(VersionItems.itemKey(key, 12))).isEmpty();
        assertThat(item(VersionItems.itemKey(key, 11)).get("sha256").s()).isEqualTo("a".repeat(64));
    }

    @Test
    void versionItemsAreInNoListingAndListingsCarryTheWholeRecord() {
        LockKey key = key("listed");
        LockRecord held = acquire(key, "lease-l");
        write(key, held, 4, 100);

        for (String prefix : List.of(unique + "/", unique, "")) {
            List<LockRecord> all = new ArrayList<>();
            String token = "";
            do {
                RecordPage page = table.list(prefix, 50, token);
                all.addAll(page.records());
                token = page.nextPageToken();
            } while (!token.isEmpty());
            assertThat(all)
                    .as("prefix '" + prefix + "'")
                    .noneMatch(r -> r.key().value().contains("#"));
            assertThat(all).filteredOn(r -> r.key().equals(key)).singleElement().satisfies(r -> {
                assertThat(r.leaseId()).isEqualTo("lease-l");
                assertThat(r.info().who()).isEqualTo("runner-1");
                assertThat(r.expiresAtMs()).isEqualTo(held.expiresAtMs());
            });
        }
    }

    @Test
    void aLockItemOfTheEarlierLayoutIsReadAsItIsAndMovedOutByItsNextStateWrite() {
        LockKey key = key("legacy");
        LockRecord held = acquire(key, "lease-old");
        // The fixture: today's lock item with the earlier layout's state attributes (history newest first).
        List<StateVersion> old = new ArrayList<>();
        for (long seq = 5; seq >= 1; seq--) old.add(version(key, seq, held.fenceCounter()));
        Map<String, AttributeValue> legacy = new HashMap<>(item(key.value()));
        List<AttributeValue> history = new ArrayList<>();
        for (StateVersion v : old) history.add(AttributeValue.fromM(new LinkedHashMap<>(StateItems.attributes(v))));
        StateVersion current = old.get(0);
        legacy.put("stateVersion", AttributeValue.fromN("5"));
        legacy.put("stateBlob", AttributeValue.fromS(current.blob()));
        legacy.put("stateSha256", AttributeValue.fromS(current.sha256()));
        legacy.put("stateMd5", AttributeValue.fromS(current.md5()));
        legacy.put("stateSize", AttributeValue.fromN(Long.toString(current.size())));
        legacy.put("stateFence", AttributeValue.fromN(Long.toString(current.fenceCounter())));
        legacy.put("stateHistory", AttributeValue.fromL(history));
        client.putItem(b -> b.tableName(TABLE).item(legacy));

        assertThat(table.stateHead(key).current()).contains(current);
        assertThat(table.stateHead(key).oldestSeq()).isEqualTo(1);
        assertThat(table.versions(key, Long.MAX_VALUE, 100)).containsExactlyElementsOf(old);

        StateVersion v6 = version(key, 6, held.fenceCounter());
        assertThat(table.movePointer(
                        new PointerMove(key, "lease-old", held.fenceCounter(), T0 + 6, 5, v6, Optional.of(current), 2)))
                .isInstanceOf(PointerResult.Moved.class);

        Map<String, AttributeValue> moved = item(key.value());
        assertThat(moved)
                .doesNotContainKeys("stateHistory", "stateBlob", "stateSha256", "stateMd5", "stateSize", "stateFence");
        assertThat(moved.get("stateOldest").n()).isEqualTo("2");
        List<StateVersion> expected = new ArrayList<>(List.of(v6));
        expected.addAll(old.subList(0, 4));
        assertThat(table.versions(key, Long.MAX_VALUE, 100)).containsExactlyElementsOf(expected);
        assertThat(item(VersionItems.itemKey(key, 1))).isEmpty();
        // The lease fields were not touched by the move.
        assertThat(table.get(key).map(LockRecord::leaseId)).contains("lease-old");
    }

    @Test
    void aStaleWriterAgainstAnItemOfTheEarlierLayoutMovesNothing() {
        LockKey key = key("legacy-stale");
        LockRecord held = acquire(key, "lease-x");
        StateVersion v1 = version(key, 1, held.fenceCounter());
        Map<String, AttributeValue> legacy = new HashMap<>(item(key.value()));
        legacy.put("stateVersion", AttributeValue.fromN("1"));
        legacy.put("stateHistory", AttributeValue.fromL(List.of(AttributeValue.fromM(StateItems.attributes(v1)))));
        client.putItem(b -> b.tableName(TABLE).item(legacy));

        PointerResult r = table.movePointer(new PointerMove(
                key,
                "not-the-lease",
                held.fenceCounter(),
                T0 + 2,
                1,
                version(key, 2, held.fenceCounter()),
                Optional.of(v1),
                1));
        assertThat(r).isInstanceOf(PointerResult.LeaseLost.class);
        assertThat(item(key.value())).containsKey("stateHistory");
        assertThat(table.versions(key, Long.MAX_VALUE, 10)).containsExactly(v1);
    }
}
