package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.common.LockKey;
import io.statelock.lock.LeaseIds;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.ReleaseResult;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Release and force release on the lock table: one conditional write that frees the key and marks it with the
 * call's own id, so a call whose answer was lost finds its own mark afterwards and answers as its first attempt.
 */
final class LeaseRelease {
    // Frees the key: the fence stays so the next acquire gets a higher token (docs/design.md#invariant-2). The call's
    // id is marked
    // and the holder's owner, info and times kept (read back as free), so a call whose answer was lost recognises
    // its own write and what it removed; the next acquire overwrites them all.
    private static final String FREE_KEY = "SET #releasedBy = :call REMOVE #leaseId, #requestId";
    // Tries of one force release against a key that changes hands between its read and its write.
    private static final int FORCE_RELEASE_TRIES = 3;

    private final DynamoDbClient client;
    private final String table;

    LeaseRelease(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        Map<String, AttributeValue> values = new HashMap<>();
        // Safety: only the holder of this lease (under jwt: of the caller's identity) may free the key; a stale
        // holder's release is a no-op.
        String condition = "#leaseId = :lease" + LockConditions.ownedBy(owner, values);
        return free(key, leaseId, "release", condition, values);
    }

    /**
     * Reads the holder, then breaks exactly that lease: a conditional write on its lease id (which fixes its
     * fence too: only an acquire changes either, both at once), so the lease removed is known even when the
     * write's answer is lost. A lease that changed between the read and the write is judged again, a few times.
     */
    ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        LockRecord current = LockItems.record(key, getItem(key));
        for (int attempt = 1; ; attempt++) {
            if (!current.hasLease()) return new ForceReleaseResult.NotHeld(current);
            // With a token named, only that holder's lease: a lock re-taken meanwhile is not broken by mistake.
            if (expectedCounter != 0 && current.fenceCounter() != expectedCounter) {
                return new ForceReleaseResult.FenceMismatch(current);
            }
            // Safety: break only the lease just read; if it changed since, nothing is broken and the read decides.
            ReleaseResult result = free(key, current.leaseId(), "force release", "#leaseId = :lease", new HashMap<>());
            if (result instanceof ReleaseResult.Released broken)
                return new ForceReleaseResult.Broken(broken.previous());
            current = ((ReleaseResult.NotHeld) result).current();
            // The key changed hands at every try (each one a new acquire): report the holder rather than chase it.
            if (attempt >= FORCE_RELEASE_TRIES && current.hasLease())
                return new ForceReleaseResult.FenceMismatch(current);
        }
    }

    /**
     * Frees the key of {@code leaseId} under {@code condition} (which names it as {@code :lease}): the removed
     * lease, or the record as read after a failed condition. A failed condition that finds this call's own mark
     * is this call's first attempt, applied, whose answer was lost.
     */
    private ReleaseResult free(
            LockKey key, String leaseId, String what, String condition, Map<String, AttributeValue> values) {
        String releaseId = LeaseIds.newWriteId();
        values.put(":lease", s(leaseId));
        values.put(":call", s(releaseId));
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(key))
                .updateExpression(FREE_KEY)
                .conditionExpression(condition)
                .expressionAttributeNames(LockConditions.names(FREE_KEY, condition))
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_OLD)
                .build();
        try {
            UpdateItemResponse response =
                    DynamoErrors.conditional("UpdateItem (" + what + ")", table, () -> client.updateItem(request));
            return new ReleaseResult.Released(LockItems.record(key, response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            // Safety: the release id is fresh to this call, only a successful free writes it and an acquire removes
            // it: finding it proves our own first attempt freed the key (the SDK retried after a lost answer), and
            // the item still holds what it removed. Without it nothing is claimed: a free key with the fence
            // unchanged does not say who freed it (an operator, or an earlier call with the same lease id).
            Map<String, AttributeValue> item = getItem(key);
            return LockItems.releasedBy(key, item, releaseId, leaseId)
                    .<ReleaseResult>map(ReleaseResult.Released::new)
                    .orElseGet(() -> new ReleaseResult.NotHeld(LockItems.record(key, item)));
        }
    }

    private Map<String, AttributeValue> getItem(LockKey key) {
        // Consistent: after a failed condition the caller must see the write that beat it.
        return DynamoErrors.call(
                        "GetItem",
                        table,
                        () -> client.getItem(
                                b -> b.tableName(table).key(LockItems.key(key)).consistentRead(true)))
                .item();
    }
}
