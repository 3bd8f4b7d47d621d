package io.statelock.store.dynamodb;

import static io.statelock.store.dynamodb.LockItems.INFO;
import static io.statelock.store.dynamodb.LockItems.OWNER;
import static io.statelock.store.dynamodb.LockItems.REQUEST_ID;
import static io.statelock.store.dynamodb.LockItems.n;
import static io.statelock.store.dynamodb.LockItems.s;

import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.lock.StoreUnavailableException;
import io.statelock.store.AcquireResult;
import io.statelock.store.ForceReleaseResult;
import io.statelock.store.HeartbeatResult;
import io.statelock.store.LockTable;
import io.statelock.store.NewLease;
import io.statelock.store.PointerMove;
import io.statelock.store.PointerResult;
import io.statelock.store.StateHistory;
import io.statelock.store.StatePointers;
import io.statelock.store.RecordPage;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The lock table on DynamoDB: one item per key, every transition one conditional {@code UpdateItem}
 * (DESIGN.md "Lock record"). A failed condition becomes a domain result here and nowhere else;
 * every SDK failure becomes a {@link StoreUnavailableException}. No AWS type leaves this package.
 */
public final class DynamoDbLockTable implements LockTable, StatePointers {
    private static final Pattern NAME = Pattern.compile("#[A-Za-z]+");

    // Everything but key, seg and fence: the fence stays so the next acquire gets a higher token (invariant 2).
    private static final String CLEAR_LEASE =
            "REMOVE #leaseId, #owner, #info, #acquiredAt, #expiresAt, #ttlMs, #requestId";

    private final DynamoDbClient client;
    private final String table;
    private final DynamoStatePointer state;
    private final SegmentRegistry segments;
    private final LockListing listing;

    public DynamoDbLockTable(DynamoDbClient client, String tableName) {
        this(client, tableName, false);
    }

    /**
     * @param skipFenceCheck testing only ({@code statelock.testing.skip-fence-check}, refused by the prod profile):
     *                       state pointer writes skip the lease/fence condition, a deliberately broken replica
     */
    public DynamoDbLockTable(DynamoDbClient client, String tableName, boolean skipFenceCheck) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(tableName, "tableName");
        this.state = new DynamoStatePointer(client, tableName, skipFenceCheck);
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
        values.put(":one", n(1));
        values.put(":takeoverBefore", n(takeoverBeforeMs));
        // ADD is atomic and creates the counter at 1 on a new item: the fence only ever goes up (invariant 2).
        String update = set.toString() + remove + " ADD #fence :one";
        // Safety: take the key only if it is free or its lease expired before now - maxClockSkew,
        // judged by the store in the same write, so two replicas can never both win (invariant 1).
        String condition = "attribute_not_exists(#leaseId) OR #expiresAt < :takeoverBefore";
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(lease.key()))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names(update, condition))
                .expressionAttributeValues(values)
                // The previous holder feeds the EXPIRED event and the audit trail, and its counter gives ours.
                .returnValues(ReturnValue.ALL_OLD)
                .build();
        try {
            UpdateItemResponse response = call("UpdateItem (acquire)", () -> client.updateItem(request));
            LockRecord previous = LockItems.record(lease.key(), response.attributes());
            LockRecord granted = new LockRecord(lease.key(), previous.fenceCounter() + 1, lease.leaseId(),
                    lease.owner(), lease.info(), lease.nowMs(), lease.expiresAtMs(), lease.ttlMs(), lease.requestId());
            return new AcquireResult.Granted(granted, previous);
        } catch (ConditionalCheckFailedException e) {
            // Held: the condition is the truth; the read only tells the caller by whom (it may have moved since).
            return new AcquireResult.Held(read(lease.key()));
        }
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs) {
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
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(key))
                .updateExpression(update)
                // Safety: renew only this lease and only while unexpired at now: an expired lease is lost
                // for good even if nobody took it yet, since a taker may already be acting (invariant 1).
                .conditionExpression("#leaseId = :lease AND #expiresAt >= :now")
                .expressionAttributeNames(names(update, "#leaseId #expiresAt"))
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .build();
        try {
            UpdateItemResponse response = call("UpdateItem (heartbeat)", () -> client.updateItem(request));
            return new HeartbeatResult.Renewed(LockItems.record(key, response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return new HeartbeatResult.Lost(read(key));
        }
    }

    @Override
    public Optional<LockRecord> release(LockKey key, String leaseId) {
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(key))
                // The fence attribute stays: the next acquire must get a higher token (invariant 2).
                .updateExpression(CLEAR_LEASE)
                // Safety: only the holder of this lease may free the key; a stale holder's release is a no-op.
                .conditionExpression("#leaseId = :lease")
                .expressionAttributeNames(names(CLEAR_LEASE))
                .expressionAttributeValues(Map.of(":lease", s(leaseId)))
                .returnValues(ReturnValue.ALL_OLD)
                .build();
        try {
            UpdateItemResponse response = call("UpdateItem (release)", () -> client.updateItem(request));
            return Optional.of(LockItems.record(key, response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        Map<String, AttributeValue> values = new HashMap<>();
        // Safety: break only a lease that exists and, when the operator named a token, only that
        // holder's: a lock re-taken meanwhile by someone else is not broken by mistake.
        String condition = "attribute_exists(#leaseId)";
        if (expectedCounter != 0) {
            condition += " AND #fence = :expected";
            values.put(":expected", n(expectedCounter));
        }
        UpdateItemRequest.Builder request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(key))
                .updateExpression(CLEAR_LEASE)
                .conditionExpression(condition)
                .expressionAttributeNames(names(CLEAR_LEASE, condition))
                .returnValues(ReturnValue.ALL_OLD);
        if (!values.isEmpty()) {
            request.expressionAttributeValues(values);
        }
        UpdateItemRequest built = request.build();
        try {
            UpdateItemResponse response = call("UpdateItem (force release)", () -> client.updateItem(built));
            return new ForceReleaseResult.Broken(LockItems.record(key, response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            LockRecord current = read(key);
            return current.hasLease() ? new ForceReleaseResult.FenceMismatch(current)
                    : new ForceReleaseResult.NotHeld(current);
        }
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
    public StateHistory stateHistory(LockKey key) {
        return state.read(key);
    }

    @Override
    public PointerResult movePointer(PointerMove move) {
        return state.move(move);
    }

    @Override
    public void checkReady() {
        TableDescription d;
        try {
            d = new LockTableCreator(client, table).describe();
        } catch (SdkException e) {
            throw DynamoErrors.unavailable("DescribeTable", table, e);
        }
        if (d == null) {
            throw new StoreUnavailableException("lock table " + table + " does not exist", null);
        }
        if (!LockTableCreator.isActive(d)) {
            throw new StoreUnavailableException("lock table " + table + " is not ACTIVE (status "
                    + d.tableStatusAsString() + ")", null);
        }
    }

    private LockRecord read(LockKey key) {
        return LockItems.record(key, getItem(key));
    }

    private Map<String, AttributeValue> getItem(LockKey key) {
        // Consistent: after a failed condition the caller must see the write that beat it.
        return call("GetItem", () -> client.getItem(b -> b.tableName(table).key(LockItems.key(key)).consistentRead(true)))
                .item();
    }

    /** Every attribute is named through a placeholder: key, owner, path and ttl are reserved words in DynamoDB. */
    private static Map<String, String> names(String... expressions) {
        Map<String, String> names = new HashMap<>();
        for (String expression : expressions) {
            Matcher m = NAME.matcher(expression);
            while (m.find()) {
                names.put(m.group(), m.group().substring(1));
            }
        }
        return names;
    }

    private static void setOrRemove(StringJoiner set, StringJoiner remove, Map<String, AttributeValue> values,
                                    String name, String placeholder, AttributeValue value) {
        if (value == null) {
            remove.add("#" + name);
        } else {
            set.add("#" + name + " = " + placeholder);
            values.put(placeholder, value);
        }
    }

    /** Runs one SDK call; a failed condition passes through to the caller, any other SDK failure is an outage. */
    private <T> T call(String operation, Supplier<T> sdkCall) {
        try {
            return sdkCall.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw DynamoErrors.unavailable(operation, table, e);
        }
    }
}
