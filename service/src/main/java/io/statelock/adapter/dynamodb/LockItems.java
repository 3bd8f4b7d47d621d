package io.statelock.adapter.dynamodb;

import io.statelock.common.LockKey;
import io.statelock.lock.LockInfo;
import io.statelock.lock.LockRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The lock item layout (docs/design.md#lock-record) and its mapping to {@link LockRecord}.
 * Empty strings are never written (older DynamoDB-API servers reject them): an empty owner,
 * request id or info field is an absent attribute, and an absent attribute reads back as empty.
 * A free key (no {@code leaseId}) keeps its last holder's owner, info and times next to
 * {@code releasedBy}, the id of the call that freed it, so a release whose answer was lost can tell
 * what it removed; they read back as a free record, as if they were not there.
 */
final class LockItems {
    static final String KEY = "key";
    static final String SEG = "seg";
    static final String FENCE = "fence";
    static final String LEASE_ID = "leaseId";
    static final String OWNER = "owner";
    static final String INFO = "info";
    static final String ACQUIRED_AT = "acquiredAt";
    static final String EXPIRES_AT = "expiresAt";
    static final String TTL_MS = "ttlMs";
    static final String REQUEST_ID = "requestId";
    /** The id of the release (or force release) call that freed the key; removed by the next acquire. */
    static final String RELEASED_BY = "releasedBy";

    private static final String OPERATION = "operation";
    private static final String WHO = "who";
    private static final String VERSION = "version";
    private static final String PATH = "path";
    private static final String TEXT = "info";
    private static final String LABELS = "labels";

    private LockItems() {}

    static Map<String, AttributeValue> key(LockKey key) {
        return Map.of(KEY, s(key.value()));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** The info as a map attribute, or null when it is empty (then the attribute is removed). */
    static AttributeValue info(LockInfo info) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        putIfNotEmpty(m, OPERATION, info.operation());
        putIfNotEmpty(m, WHO, info.who());
        putIfNotEmpty(m, VERSION, info.version());
        putIfNotEmpty(m, PATH, info.path());
        putIfNotEmpty(m, TEXT, info.info());
        if (!info.labels().isEmpty()) {
            Map<String, AttributeValue> labels = new LinkedHashMap<>();
            // Label values may be empty: the NULL type keeps the label without an empty string.
            info.labels().forEach((k, v) -> labels.put(k, v.isEmpty() ? AttributeValue.fromNul(true) : s(v)));
            m.put(LABELS, AttributeValue.fromM(labels));
        }
        return m.isEmpty() ? null : AttributeValue.fromM(m);
    }

    /** The record an item holds; {@code item} empty or null means the key was never written. */
    static LockRecord record(LockKey key, Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return LockRecord.absent(key);
        }
        String leaseId = string(item, LEASE_ID);
        if (leaseId.isEmpty()) {
            return new LockRecord(key, number(item, FENCE), null, "", LockInfo.EMPTY, 0, 0, 0, "");
        }
        return holder(key, item, leaseId);
    }

    /**
     * The lease {@code leaseId} as the release call {@code releaseId} removed it, if the free item says that call
     * freed it (nothing was acquired since: an acquire removes the mark): the last holder's fields the item kept.
     */
    static Optional<LockRecord> releasedBy(
            LockKey key, Map<String, AttributeValue> item, String releaseId, String leaseId) {
        if (item == null || !string(item, LEASE_ID).isEmpty() || !releaseId.equals(string(item, RELEASED_BY))) {
            return Optional.empty();
        }
        return Optional.of(holder(key, item, leaseId));
    }

    private static LockRecord holder(LockKey key, Map<String, AttributeValue> item, String leaseId) {
        return new LockRecord(
                key,
                number(item, FENCE),
                leaseId,
                string(item, OWNER),
                info(item.get(INFO)),
                number(item, ACQUIRED_AT),
                number(item, EXPIRES_AT),
                number(item, TTL_MS),
                string(item, REQUEST_ID));
    }

    /** The record of an item read by a scan or query, which carries its own key. */
    static LockRecord record(Map<String, AttributeValue> item) {
        return record(new LockKey(string(item, KEY)), item);
    }

    static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }

    private static LockInfo info(AttributeValue v) {
        if (v == null || !v.hasM()) {
            return LockInfo.EMPTY;
        }
        Map<String, AttributeValue> m = v.m();
        Map<String, String> labels = new LinkedHashMap<>();
        AttributeValue l = m.get(LABELS);
        if (l != null && l.hasM()) {
            l.m().forEach((k, lv) -> labels.put(k, lv.s() == null ? "" : lv.s()));
        }
        return new LockInfo(
                string(m, OPERATION), string(m, WHO), string(m, VERSION), string(m, PATH), string(m, TEXT), labels);
    }

    private static void putIfNotEmpty(Map<String, AttributeValue> m, String name, String value) {
        if (!value.isEmpty()) {
            m.put(name, s(value));
        }
    }
}
