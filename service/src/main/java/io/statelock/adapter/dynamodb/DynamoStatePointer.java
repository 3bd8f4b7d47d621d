package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.n;
import static io.statelock.adapter.dynamodb.LockItems.number;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.common.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHead;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The state pointer on the lock item: one consistent GetItem for the head, the kept versions from their own
 * items, and the fenced move as one conditional UpdateItem of the lock item (after the version it replaces is
 * written as an item of its own). A lock item of the earlier layout has its history moved out by its next move.
 */
final class DynamoStatePointer {
    private final DynamoDbClient client;
    private final String table;
    private final VersionItems items;

    DynamoStatePointer(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
        this.items = new VersionItems(client, table);
    }

    StateHead head(LockKey key) {
        return head(key, getItem(key));
    }

    private static StateHead head(LockKey key, Map<String, AttributeValue> item) {
        LockRecord lock = LockItems.record(key, item);
        return StateItems.current(key, item)
                .map(c -> new StateHead(lock, java.util.Optional.of(c), Math.max(1, StateItems.oldest(key, item))))
                .orElseGet(() -> StateHead.empty(lock));
    }

    List<StateVersion> versions(LockKey key, long beforeSeq, int limit) {
        Map<String, AttributeValue> item = getItem(key);
        if (StateItems.isLegacy(item)) {
            return StateItems.legacyHistory(key, item).stream()
                    .filter(v -> v.seq() < beforeSeq)
                    .limit(limit)
                    .toList();
        }
        StateHead head = head(key, item);
        List<StateVersion> versions = new ArrayList<>();
        if (head.current().isEmpty()) return versions;
        // Seqs are consecutive: the kept versions are exactly oldest..current, so their keys are computed, not queried.
        long from = Math.min(beforeSeq - 1, head.currentSeq());
        if (from == head.currentSeq() && limit > 0) versions.add(head.current().get());
        List<Long> seqs = new ArrayList<>();
        for (long seq = Math.min(from, head.currentSeq() - 1);
                seq >= head.oldestSeq() && seqs.size() + versions.size() < limit;
                seq--) {
            seqs.add(seq);
        }
        versions.addAll(items.read(key, seqs));
        return versions;
    }

    PointerResult move(PointerMove move) {
        // The version being replaced first, so it is never missing from the history (it is committed already).
        if (move.keepsPrevious()) items.put(move.previous().get());
        return update(move, false);
    }

    private PointerResult update(PointerMove move, boolean migrating) {
        StateVersion v = move.next();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":lease", s(move.leaseId()));
        values.put(":fence", n(move.fenceCounter()));
        values.put(":now", n(move.nowMs()));
        values.put(":version", n(v.seq()));
        values.put(":current", AttributeValue.fromM(StateItems.attributes(v)));
        values.put(":oldest", n(move.oldestKept()));
        Map<String, String> names = new HashMap<>(Map.of(
                "#leaseId",
                LockItems.LEASE_ID,
                "#fence",
                LockItems.FENCE,
                "#expiresAt",
                LockItems.EXPIRES_AT,
                "#v",
                StateItems.VERSION,
                "#current",
                StateItems.CURRENT,
                "#oldest",
                StateItems.OLDEST,
                "#history",
                StateItems.HISTORY));
        String update = "SET #v = :version, #current = :current, #oldest = :oldest";
        if (migrating) update += " REMOVE " + String.join(", ", StateItems.LEGACY);
        // Safety: the current lease with its own fence, unexpired at now (docs/design.md#invariant-3), and the pointer
        // still at
        // the version this write was decided against; an item of the earlier layout is moved out first (below).
        String condition = "#leaseId = :lease AND #fence = :fence AND #expiresAt >= :now AND "
                + (migrating ? "attribute_exists(#history) AND " : "attribute_not_exists(#history) AND ");
        if (move.expectedSeq() == 0) {
            condition += "attribute_not_exists(#v)";
        } else {
            condition += "#v = :prev";
            values.put(":prev", n(move.expectedSeq()));
        }
        String expression = condition;
        String updateExpression = update;
        try {
            UpdateItemResponse response = DynamoErrors.conditional(
                    "UpdateItem (state write)",
                    table,
                    () -> client.updateItem(b -> b.tableName(table)
                            .key(LockItems.key(move.key()))
                            .updateExpression(updateExpression)
                            .conditionExpression(expression)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            // The old stateOldest tells which version items this move expired.
                            .returnValues(ReturnValue.UPDATED_OLD)));
            Map<String, AttributeValue> old = response.attributes();
            long oldOldest = old != null && old.containsKey(StateItems.OLDEST)
                    ? number(old, StateItems.OLDEST)
                    : move.oldestKept();
            expire(move, migrating ? move.oldestKept() : oldOldest);
            return new PointerResult.Moved();
        } catch (ConditionalCheckFailedException e) {
            return failed(move, getItem(move.key()), migrating);
        }
    }

    /** Why the pointer write failed, read from the item (the condition is the truth; the item may have moved since). */
    private PointerResult failed(PointerMove move, Map<String, AttributeValue> item, boolean migrating) {
        // Once only: a migrating write that fails again is judged like any other.
        if (!migrating
                && StateItems.isLegacy(item)
                && StateItems.current(move.key(), item).map(StateVersion::seq).orElse(0L) == move.expectedSeq()) {
            // The earlier layout: its kept versions become items of their own, then the same move again.
            for (StateVersion old : StateItems.legacyHistory(move.key(), item)) {
                if (old.seq() >= move.oldestKept()) items.put(old);
            }
            return update(move, true);
        }
        StateVersion v = move.next();
        // Safety: a pointer naming exactly this version (its seq, fresh object name, digests, fence and time) was
        // moved by this write, once: the SDK retried after a lost answer (and another write of the same lease may
        // have moved it on since). The version exists: Moved, as the first attempt answered, not a race that
        // would write the same bytes again as a second version.
        boolean ours = StateItems.current(move.key(), item).filter(v::equals).isPresent()
                || items.read(move.key(), List.of(v.seq())).contains(v);
        if (ours) {
            expire(move, move.oldestKept() - 1);
            return new PointerResult.Moved();
        }
        LockRecord r = LockItems.record(move.key(), item);
        boolean holder = move.leaseId().equals(r.leaseId())
                && r.fenceCounter() == move.fenceCounter()
                && r.expiresAtMs() >= move.nowMs();
        return holder ? new PointerResult.Raced() : new PointerResult.LeaseLost(r);
    }

    /** Deletes the version items this move expired: [{@code fromSeq}, oldest kept), minus one never written. */
    private void expire(PointerMove move, long fromSeq) {
        long to = move.oldestKept();
        if (!move.keepsPrevious()
                && move.previous().isPresent()
                && move.previous().get().seq() == to - 1) to--;
        items.delete(move.key(), Math.max(1, fromSeq), to);
    }

    private Map<String, AttributeValue> getItem(LockKey key) {
        // Consistent: the pointer and the lease read here decide the next write.
        return DynamoErrors.call(
                "GetItem (state)",
                table,
                () -> client.getItem(
                                b -> b.tableName(table).key(LockItems.key(key)).consistentRead(true))
                        .item());
    }
}
