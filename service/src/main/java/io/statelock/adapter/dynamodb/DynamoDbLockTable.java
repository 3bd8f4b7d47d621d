package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.INFO;
import static io.statelock.adapter.dynamodb.LockItems.OWNER;
import static io.statelock.adapter.dynamodb.LockItems.RELEASED_BY;
import static io.statelock.adapter.dynamodb.LockItems.REQUEST_ID;
import static io.statelock.adapter.dynamodb.LockItems.n;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.ReleaseResult;
import io.statelock.state.StateVersion;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHead;
import io.statelock.state.port.StatePointers;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The lock table on DynamoDB: one item per key, every transition one conditional {@code UpdateItem}
 * (docs/design.md#lock-record); release and force release are {@link LeaseRelease}'s. A failed condition
 * becomes a domain result in this package and nowhere else; every SDK failure becomes a
 * {@link StoreUnavailableException}. No AWS type leaves this package.
 */
public final class DynamoDbLockTable implements LockTable, StatePointers {
    private final DynamoDbClient client;
    private final String table;
    private final DynamoStatePointer state;
    private final LeaseRelease releases;
    private final SegmentRegistry segments;
    private final LockListing listing;

    public DynamoDbLockTable(DynamoDbClient client, String tableName) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(tableName, "tableName");
        this.state = new DynamoStatePointer(client, tableName);
        this.releases = new LeaseRelease(client, tableName);
        this.segments = new SegmentRegistry(client, tableName);
        this.listing = new LockListing(client, tableName, segments);
    }

    /**
     * Creates the table with its {@code by-segment} index unless it exists, and waits until it is ACTIVE. A table
     * created here has a complete (empty) segment registry.
     */
    public void createTableIfMissing() {
        if (new LockTableCreator(client, table).createIfMissing()) segments.markComplete();
    }

    /**
     * Registers the first segments of keys written by an earlier version (one paged Scan of the keys, once per
     * table), so prefixes without '/' are served by Queries; until then they are served by a Scan. A no-op on a
     * complete registry. Slow on a big table: run it off the start-up path.
     */
    public void completeSegmentRegistry() {
        segments.backfill();
    }

    @Override
    public AcquireResult acquire(NewLease lease, long takeoverBeforeMs) {
        // Before the key can exist, its first segment is listed (a write only the first time this replica needs it).
        segments.register(lease.key().firstSegment());
        Map<String, AttributeValue> values = new HashMap<>();
        StringJoiner set = new StringJoiner(", ", "SET ", "");
        StringJoiner remove = new StringJoiner(", ", " REMOVE ", "").setEmptyValue("");
        set.add("#seg = :seg");
        values.put(":seg", s(lease.key().firstSegment()));
        set.add("#leaseId = :lease");
        values.put(":lease", s(lease.leaseId()));
        set.add("#acquiredAt = :now");
        values.put(":now", n(lease.nowMs()));
        set.add("#expiresAt = :expires");
        values.put(":expires", n(lease.expiresAtMs()));
        set.add("#ttlMs = :ttl");
        values.put(":ttl", n(lease.ttlMs()));
        setOrRemove(set, remove, values, OWNER, ":owner", lease.owner().isEmpty() ? null : s(lease.owner()));
        setOrRemove(set, remove, values, INFO, ":info", LockItems.info(lease.info()));
        // An empty request id is never a retry: remove the previous holder's so it cannot match.
        setOrRemove(set, remove, values, REQUEST_ID, ":rid", lease.requestId().isEmpty() ? null : s(lease.requestId()));
        // The last release's mark describes the free key only: a held key has none.
        remove.add("#" + RELEASED_BY);
        values.put(":one", n(1));
        values.put(":takeoverBefore", n(takeoverBeforeMs));
        // ADD is atomic and creates the counter at 1 on a new item: the fence only ever goes up
        // (docs/design.md#invariant-2).
        String update = set.toString() + remove + " ADD #fence :one";
        // Safety: take the key only if it is free or its lease expired before now - maxClockSkew,
        // judged by the store in the same write, so two replicas can never both win (docs/design.md#invariant-1).
        String condition = "attribute_not_exists(#leaseId) OR #expiresAt < :takeoverBefore";
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(lease.key()))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(LockConditions.names(update, condition))
                .expressionAttributeValues(values)
                // The previous holder feeds the EXPIRED event and the audit trail, and its counter gives ours.
                .returnValues(ReturnValue.ALL_OLD)
                .build();
        try {
            UpdateItemResponse response =
                    DynamoErrors.conditional("UpdateItem (acquire)", table, () -> client.updateItem(request));
            LockRecord previous = LockItems.record(lease.key(), response.attributes());
            LockRecord granted = new LockRecord(
                    lease.key(),
                    previous.fenceCounter() + 1,
                    lease.leaseId(),
                    lease.owner(),
                    lease.info(),
                    lease.nowMs(),
                    lease.expiresAtMs(),
                    lease.ttlMs(),
                    lease.requestId());
            return new AcquireResult.Granted(granted, previous);
        } catch (ConditionalCheckFailedException e) {
            LockRecord current = read(lease.key());
            // Safety: the lease id is fresh and secret to this attempt, so a record holding it was written by this
            // acquire, once (the SDK retried after a lost answer): granted with the fence it holds, no second ADD.
            if (lease.leaseId().equals(current.leaseId())) {
                return new AcquireResult.Granted(current, unknownPrevious(current));
            }
            // Held: the condition is the truth; the read only tells the caller by whom (it may have moved since).
            return new AcquireResult.Held(current);
        }
    }

    /**
     * What a grant whose answer was lost replaced: the counter before it, but not who held it (that answer is
     * gone), so it is announced as a plain acquire, with the right previous token.
     */
    private static LockRecord unknownPrevious(LockRecord granted) {
        return new LockRecord(granted.key(), granted.fenceCounter() - 1, null, "", LockInfo.EMPTY, 0, 0, 0, "");
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":lease", s(leaseId));
        values.put(":now", n(nowMs));
        String update;
        if (ttlMs == 0) {
            // Keep the lease's own ttl, computed by the store in the same write (no read-then-write race).
            update = "SET #expiresAt = #ttlMs + :now";
        } else {
            values.put(":expires", n(nowMs + ttlMs));
            values.put(":ttl", n(ttlMs));
            update = "SET #expiresAt = :expires, #ttlMs = :ttl";
        }
        // Safety: renew only this lease and only while unexpired at now: an expired lease is lost for good even if
        // nobody took it yet, since a taker may already be acting (docs/design.md#invariant-1). A retry after a lost
        // answer passes
        // it again and writes the same values: the renewal is idempotent as it stands.
        String condition = "#leaseId = :lease AND #expiresAt >= :now" + LockConditions.ownedBy(owner, values);
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(key))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(LockConditions.names(update, condition))
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
        try {
            UpdateItemResponse response =
                    DynamoErrors.conditional("UpdateItem (heartbeat)", table, () -> client.updateItem(request));
            return new HeartbeatResult.Renewed(LockItems.record(key, response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return new HeartbeatResult.Lost(read(key));
        }
    }

    @Override
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        return releases.release(key, leaseId, owner);
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        return releases.forceRelease(key, expectedCounter);
    }

    @Override
    public Optional<LockRecord> get(LockKey key) {
        Map<String, AttributeValue> item = getItem(key);
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(LockItems.record(key, item));
    }

    @Override
    public RecordPage list(String prefix, int limit, String pageToken) {
        if (limit < 1) {
            throw InvalidArgumentException.of("page_size", "must be at least 1, got " + limit);
        }
        String p = prefix == null ? "" : prefix;
        return listing.list(p, limit, pageToken);
    }

    @Override
    public StateHead stateHead(LockKey key) {
        return state.head(key);
    }

    @Override
    public java.util.List<StateVersion> versions(LockKey key, long beforeSeq, int limit) {
        return state.versions(key, beforeSeq, limit);
    }

    @Override
    public PointerResult movePointer(PointerMove move) {
        return state.move(move);
    }

    @Override
    public void checkReady() {
        new LockTableCreator(client, table).requireActive();
    }

    private LockRecord read(LockKey key) {
        return LockItems.record(key, getItem(key));
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

    private static void setOrRemove(
            StringJoiner set,
            StringJoiner remove,
            Map<String, AttributeValue> values,
            String name,
            String placeholder,
            AttributeValue value) {
        if (value == null) {
            remove.add("#" + name);
        } else {
            set.add("#" + name + " = " + placeholder);
            values.put(placeholder, value);
        }
    }
}
