package io.statelock.adapter.dynamodb;

import io.statelock.audit.AuditEntry;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Audit record <-> DynamoDB item. Empty strings and maps are not written (DynamoDB rejects empty keys). */
final class AuditItems {
    static final String KEY = "key";
    // 15 digits: epoch millis until the year 33658, and string order = time order.
    private static final String MILLIS = "%015d";

    private AuditItems() {}

    static String rangeKey(long atMs, String id) {
        return String.format(MILLIS, atMs) + "#" + id;
    }

    /** Sorts before every record at {@code ms}: '#' follows the digits' prefix. */
    static String lowerBound(long ms) {
        return String.format(MILLIS, Math.max(0, ms)) + "#";
    }

    /** Sorts after every record at {@code ms}: '~' sorts after every id character. */
    static String upperBound(long ms) {
        return String.format(MILLIS, Math.max(0, Math.min(ms, 999_999_999_999_999L))) + "#~";
    }

    static Map<String, AttributeValue> item(AuditEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoDbAuditStore.SEG, AttributeValue.fromS(e.segment()));
        item.put(DynamoDbAuditStore.AT, AttributeValue.fromS(rangeKey(e.atMs(), e.id())));
        item.put("ms", AttributeValue.fromN(Long.toString(e.atMs())));
        put(item, KEY, e.key());
        put(item, "action", e.action());
        put(item, "subject", e.subject());
        put(item, "outcome", e.outcome());
        put(item, "previousOwner", e.previousOwner());
        put(item, "reason", e.reason());
        put(item, "peer", e.peer());
        item.put("previousFence", AttributeValue.fromN(Long.toString(e.previousFencingToken())));
        item.put("fence", AttributeValue.fromN(Long.toString(e.fencingToken())));
        Map<String, AttributeValue> claims = new HashMap<>();
        e.claims().forEach((k, v) -> {
            if (!k.isEmpty()) claims.put(k, AttributeValue.fromS(v));
        });
        if (!claims.isEmpty()) item.put("claims", AttributeValue.fromM(claims));
        return item;
    }

    static AuditEntry entry(Map<String, AttributeValue> item) {
        String at = item.get(DynamoDbAuditStore.AT).s();
        int hash = at.indexOf('#');
        Map<String, String> claims = new HashMap<>();
        AttributeValue m = item.get("claims");
        if (m != null && m.hasM()) m.m().forEach((k, v) -> claims.put(k, v.s()));
        return new AuditEntry(
                Long.parseLong(at.substring(0, hash)),
                at.substring(hash + 1),
                s(item, "action"),
                s(item, KEY),
                s(item, "subject"),
                claims,
                s(item, "outcome"),
                s(item, "previousOwner"),
                n(item, "previousFence"),
                n(item, "fence"),
                s(item, "reason"),
                s(item, "peer"));
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (!value.isEmpty()) item.put(name, AttributeValue.fromS(value));
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
