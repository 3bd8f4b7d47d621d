package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.n;
import static io.statelock.adapter.dynamodb.LockItems.number;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.lock.LockKey;
import io.statelock.state.StateVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The state pointer attributes of the lock item: {@code stateVersion} (N, the current version),
 * {@code stateBlob}, {@code stateSha256}, {@code stateMd5}, {@code stateSize}, {@code stateFence}
 * (the current version flat, for operators reading the table by hand), and {@code stateHistory}
 * (L of M, newest first, bounded).
 */
final class StateItems {
    static final String VERSION = "stateVersion";
    static final String BLOB = "stateBlob";
    static final String SHA256 = "stateSha256";
    static final String MD5 = "stateMd5";
    static final String SIZE = "stateSize";
    static final String FENCE = "stateFence";
    static final String HISTORY = "stateHistory";

    private StateItems() {
    }

    static List<StateVersion> history(LockKey key, Map<String, AttributeValue> item) {
        List<StateVersion> versions = new ArrayList<>();
        AttributeValue list = item == null ? null : item.get(HISTORY);
        if (list == null || !list.hasL()) return versions;
        for (AttributeValue v : list.l()) {
            Map<String, AttributeValue> m = v.m();
            versions.add(new StateVersion(key, number(m, "v"), string(m, "blob"), number(m, "size"),
                    string(m, "sha256"), string(m, "md5"), number(m, "fence"), number(m, "at"), string(m, "by"),
                    m.containsKey("serial") ? number(m, "serial") : -1, string(m, "lineage"),
                    m.containsKey("tomb") && Boolean.TRUE.equals(m.get("tomb").bool())));
        }
        return versions;
    }

    static AttributeValue history(List<StateVersion> versions) {
        List<AttributeValue> list = new ArrayList<>(versions.size());
        for (StateVersion v : versions) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            m.put("v", n(v.seq()));
            m.put("size", n(v.size()));
            m.put("fence", n(v.fenceCounter()));
            m.put("at", n(v.writtenAtMs()));
            // Empty strings are never written (older DynamoDB-API servers reject them).
            putIfNotEmpty(m, "blob", v.blob());
            putIfNotEmpty(m, "sha256", v.sha256());
            putIfNotEmpty(m, "md5", v.md5());
            putIfNotEmpty(m, "by", v.writtenBy());
            putIfNotEmpty(m, "lineage", v.lineage());
            if (v.serial() >= 0) m.put("serial", n(v.serial()));
            if (v.tombstone()) m.put("tomb", AttributeValue.fromBool(true));
            list.add(AttributeValue.fromM(m));
        }
        return AttributeValue.fromL(list);
    }

    private static void putIfNotEmpty(Map<String, AttributeValue> m, String name, String value) {
        if (!value.isEmpty()) m.put(name, s(value));
    }

    private static String string(Map<String, AttributeValue> m, String name) {
        AttributeValue v = m.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }
}
