package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.n;
import static io.statelock.adapter.dynamodb.LockItems.number;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.common.LockKey;
import io.statelock.state.StateVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The state pointer attributes of the lock item, none of which grows with the history: {@code stateVersion}
 * (N, the current seq, which the pointer write's condition compares), {@code stateCurrent} (M, the current
 * version) and {@code stateOldest} (N, the oldest version kept). Older versions are items of their own
 * ({@link VersionItems}). A lock item written before them has a {@code stateHistory} list (L of M, newest
 * first) and flat copies of the current version instead: read as they are, moved out by the next state write.
 */
final class StateItems {
    static final String VERSION = "stateVersion";
    static final String CURRENT = "stateCurrent";
    static final String OLDEST = "stateOldest";
    /** The earlier layout's attributes, removed by the state write that moves its history out. */
    static final String HISTORY = "stateHistory";

    static final List<String> LEGACY =
            List.of(HISTORY, "stateBlob", "stateSha256", "stateMd5", "stateSize", "stateFence");

    private StateItems() {}

    /** The current version the lock item names, in either layout. */
    static Optional<StateVersion> current(LockKey key, Map<String, AttributeValue> item) {
        if (item == null) return Optional.empty();
        AttributeValue current = item.get(CURRENT);
        if (current != null && current.hasM()) return Optional.of(version(key, current.m()));
        List<StateVersion> legacy = legacyHistory(key, item);
        return legacy.isEmpty() ? Optional.empty() : Optional.of(legacy.get(0));
    }

    /** The oldest kept seq (0 without state). */
    static long oldest(LockKey key, Map<String, AttributeValue> item) {
        if (item == null) return 0;
        if (item.containsKey(OLDEST)) return number(item, OLDEST);
        List<StateVersion> legacy = legacyHistory(key, item);
        return legacy.isEmpty() ? 0 : legacy.get(legacy.size() - 1).seq();
    }

    static boolean isLegacy(Map<String, AttributeValue> item) {
        return item != null && item.containsKey(HISTORY);
    }

    /** The history list of the earlier layout, newest first; empty for an item of today's layout. */
    static List<StateVersion> legacyHistory(LockKey key, Map<String, AttributeValue> item) {
        List<StateVersion> versions = new ArrayList<>();
        AttributeValue list = item == null ? null : item.get(HISTORY);
        if (list == null || !list.hasL()) return versions;
        for (AttributeValue v : list.l()) versions.add(version(key, v.m()));
        return versions;
    }

    static StateVersion version(LockKey key, Map<String, AttributeValue> m) {
        return new StateVersion(
                key,
                number(m, "v"),
                string(m, "blob"),
                number(m, "size"),
                string(m, "sha256"),
                string(m, "md5"),
                number(m, "fence"),
                number(m, "at"),
                string(m, "by"),
                m.containsKey("serial") ? number(m, "serial") : -1,
                string(m, "lineage"),
                m.containsKey("tomb") && Boolean.TRUE.equals(m.get("tomb").bool()));
    }

    /** A version's attributes, as the lock item's {@code stateCurrent} map and as a version item hold them. */
    static Map<String, AttributeValue> attributes(StateVersion v) {
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
        return m;
    }

    private static void putIfNotEmpty(Map<String, AttributeValue> m, String name, String value) {
        if (!value.isEmpty()) m.put(name, s(value));
    }

    private static String string(Map<String, AttributeValue> m, String name) {
        AttributeValue v = m.get(name);
        return v == null || v.s() == null ? "" : v.s();
    }
}
