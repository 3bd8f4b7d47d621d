package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.n;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.lock.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHistory;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The state pointer on the lock item: one consistent read, and the fenced move as one conditional UpdateItem. */
final class DynamoStatePointer {
    private final DynamoDbClient client;
    private final String table;

    DynamoStatePointer(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    StateHistory read(LockKey key) {
        Map<String, AttributeValue> item = getItem(key);
        return new StateHistory(LockItems.record(key, item), StateItems.history(key, item));
    }

    PointerResult move(PointerMove move) {
        StateVersion v = move.next();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":lease", s(move.leaseId()));
        values.put(":fence", n(move.fenceCounter()));
        values.put(":now", n(move.nowMs()));
        values.put(":version", n(v.seq()));
        values.put(":size", n(v.size()));
        values.put(":sfence", n(v.fenceCounter()));
        values.put(":history", StateItems.history(move.history()));
        Map<String, String> names = new HashMap<>(Map.of("#leaseId", LockItems.LEASE_ID, "#fence", LockItems.FENCE,
                "#expiresAt", LockItems.EXPIRES_AT, "#v", StateItems.VERSION, "#size", StateItems.SIZE,
                "#sfence", StateItems.FENCE, "#history", StateItems.HISTORY));
        names.put("#blob", StateItems.BLOB);
        names.put("#sha", StateItems.SHA256);
        names.put("#md5", StateItems.MD5);
        StringBuilder update = new StringBuilder("SET #v = :version, #size = :size, #sfence = :sfence, #history = :history");
        StringBuilder remove = new StringBuilder();
        setOrRemove(update, remove, values, "#blob", ":blob", v.blob());
        setOrRemove(update, remove, values, "#sha", ":sha", v.sha256());
        setOrRemove(update, remove, values, "#md5", ":md5", v.md5());
        // Safety: the current lease with its own fence, unexpired at now (invariant 3), and the pointer
        // still at the version this write was decided against, so the history rewrite loses nothing.
        String condition = "#leaseId = :lease AND #fence = :fence AND #expiresAt >= :now AND ";
        if (move.expectedSeq() == 0) {
            condition += "attribute_not_exists(#v)";
        } else {
            condition += "#v = :prev";
            values.put(":prev", n(move.expectedSeq()));
        }
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(move.key()))
                .updateExpression(update + (remove.length() == 0 ? "" : " REMOVE " + remove))
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
        try {
            client.updateItem(request);
            return new PointerResult.Moved();
        } catch (ConditionalCheckFailedException e) {
            StateHistory now = read(move.key());
            // Safety: a pointer or history entry naming exactly this version (its seq, fresh object name, digests,
            // fence and time) was moved by this write, once: the SDK retried after a lost answer (and another write
            // of the same lease may have moved it on since). The version exists: Moved, as the first attempt
            // answered, not a race that would write the same bytes again as a second version.
            if (now.current().filter(v::equals).isPresent() || now.versions().contains(v)) return new PointerResult.Moved();
            // The condition is the truth; the read tells which part failed (it may have moved since).
            LockRecord r = now.lock();
            boolean holder = move.leaseId().equals(r.leaseId()) && r.fenceCounter() == move.fenceCounter()
                    && r.expiresAtMs() >= move.nowMs();
            return holder ? new PointerResult.Raced() : new PointerResult.LeaseLost(r);
        } catch (SdkException e) {
            throw DynamoErrors.unavailable("UpdateItem (state pointer)", table, e);
        }
    }

    private Map<String, AttributeValue> getItem(LockKey key) {
        try {
            // Consistent: the pointer and the lease read here decide the next write.
            return client.getItem(b -> b.tableName(table).key(LockItems.key(key)).consistentRead(true)).item();
        } catch (SdkException e) {
            throw DynamoErrors.unavailable("GetItem (state)", table, e);
        }
    }

    private static void setOrRemove(StringBuilder set, StringBuilder remove, Map<String, AttributeValue> values,
                                    String name, String placeholder, String value) {
        if (value.isEmpty()) {
            remove.append(remove.length() == 0 ? "" : ", ").append(name);
        } else {
            set.append(", ").append(name).append(" = ").append(placeholder);
            values.put(placeholder, s(value));
        }
    }
}
