package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.INFO;
import static io.statelock.adapter.dynamodb.LockItems.OWNER;
import static io.statelock.adapter.dynamodb.LockItems.RELEASED_BY;
import static io.statelock.adapter.dynamodb.LockItems.REQUEST_ID;
import static io.statelock.adapter.dynamodb.LockItems.n;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LeaseIds;
import io.statelock.lock.LeaseOwner;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.lock.StoreUnavailableException;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHistory;
import io.statelock.state.port.StatePointers;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.ReleaseResult;
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

    // Frees the key: the fence stays so the next acquire gets a higher token (invariant 2). The call's id is marked
    // and the holder's owner, info and times kept (read back as free), so a call whose answer was lost recognises
    // its own write and what it removed; the next acquire overwrites them all.
    private static final String FREE_KEY = "SET #releasedBy = :call REMOVE #leaseId, #requestId";
    // Tries of one force release against a key that changes hands between its read and its write.
    private static final int FORCE_RELEASE_TRIES = 3;

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
        // The last release's mark describes the free key only: a held key has none.
        remove.add("#" + RELEASED_BY);
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
        // nobody took it yet, since a taker may already be acting (invariant 1). A retry after a lost answer passes
        // it again and writes the same values: the renewal is idempotent as it stands.
        String condition = "#leaseId = :lease AND #expiresAt >= :now" + ownedBy(owner, values);
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(key))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names(update, condition))
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
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        Map<String, AttributeValue> values = new HashMap<>();
        // Safety: only the holder of this lease (under jwt: of the caller's identity) may free the key; a stale
        // holder's release is a no-op.
        String condition = "#leaseId = :lease" + ownedBy(owner, values);
        return free(key, leaseId, "release", condition, values);
    }

    /**
     * Reads the holder, then breaks exactly that lease: a conditional write on its lease id (which fixes its
     * fence too: only an acquire changes either, both at once), so the lease removed is known even when the
     * write's answer is lost. A lease that changed between the read and the write is judged again, a few times.
     */
    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        LockRecord current = read(key);
        for (int attempt = 1; ; attempt++) {
            if (!current.hasLease()) return new ForceReleaseResult.NotHeld(current);
            // With a token named, only that holder's lease: a lock re-taken meanwhile is not broken by mistake.
            if (expectedCounter != 0 && current.fenceCounter() != expectedCounter) {
                return new ForceReleaseResult.FenceMismatch(current);
            }
            // Safety: break only the lease just read; if it changed since, nothing is broken and the read decides.
            ReleaseResult result = free(key, current.leaseId(), "force release", "#leaseId = :lease", new HashMap<>());
            if (result instanceof ReleaseResult.Released broken) return new ForceReleaseResult.Broken(broken.previous());
            current = ((ReleaseResult.NotHeld) result).current();
            // The key changed hands at every try (each one a new acquire): report the holder rather than chase it.
            if (attempt >= FORCE_RELEASE_TRIES && current.hasLease()) return new ForceReleaseResult.FenceMismatch(current);
        }
    }

    /**
     * Frees the key of {@code leaseId} under {@code condition} (which names it as {@code :lease}): the removed
     * lease, or the record as read after a failed condition. A failed condition that finds this call's own mark
     * is this call's first attempt, applied, whose answer was lost.
     */
    private ReleaseResult free(LockKey key, String leaseId, String what, String condition,
                               Map<String, AttributeValue> values) {
        String releaseId = LeaseIds.newWriteId();
        values.put(":lease", s(leaseId));
        values.put(":call", s(releaseId));
        UpdateItemRequest request = UpdateItemRequest.builder()
                .tableName(table)
                .key(LockItems.key(key))
                .updateExpression(FREE_KEY)
                .conditionExpression(condition)
                .expressionAttributeNames(names(FREE_KEY, condition))
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_OLD)
                .build();
        try {
            UpdateItemResponse response = call("UpdateItem (" + what + ")", () -> client.updateItem(request));
            return new ReleaseResult.Released(LockItems.record(key, response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            // Safety: the release id is fresh to this call, only a successful free writes it and an acquire removes
            // it: finding it proves our own first attempt freed the key (the SDK retried after a lost answer), and
            // the item still holds what it removed. Without it nothing is claimed: a free key with the fence
            // unchanged does not say who freed it (an operator, or an earlier call with the same lease id).
            Map<String, AttributeValue> item = getItem(key);
            return LockItems.releasedBy(key, item, releaseId, leaseId).<ReleaseResult>map(ReleaseResult.Released::new)
                    .orElseGet(() -> new ReleaseResult.NotHeld(LockItems.record(key, item)));
        }
    }

    /**
     * With authentication on, the lease must be the caller's: the owner its acquire recorded and, for a token
     * that has expired since, taken while that token was valid. Checked in the same write as the lease id
     * (the owner of a lease id never changes), so no read precedes the write.
     */
    private static String ownedBy(LeaseOwner owner, Map<String, AttributeValue> values) {
        if (!owner.checked()) return "";
        values.put(":owner", s(owner.owner()));
        if (!owner.boundsAcquiredAt()) return " AND #owner = :owner";
        values.put(":acquiredBy", n(owner.acquiredNoLaterThanMs()));
        return " AND #owner = :owner AND #acquiredAt <= :acquiredBy";
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
