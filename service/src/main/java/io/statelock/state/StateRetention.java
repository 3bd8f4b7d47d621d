package io.statelock.state;

import io.statelock.common.LockKey;
import io.statelock.state.port.BlobStore;
import io.statelock.state.port.StatePointers;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes objects that no kept version names and that are older than the garbage age: uploads whose
 * pointer write failed, and versions that left the bounded history. One history read per key.
 */
public final class StateRetention {
    private final StatePointers table;
    private final BlobStore blobs;
    private final Clock clock;
    private final StateSettings settings;

    public StateRetention(StatePointers table, BlobStore blobs, Clock clock, StateSettings settings) {
        this.table = table;
        this.blobs = blobs;
        this.clock = clock;
        this.settings = settings;
    }

    /** One pass over every object; returns how many were deleted. */
    public int collect() {
        long cutoff = clock.millis() - settings.garbageAgeMs();
        Map<LockKey, List<BlobStore.Entry>> byKey = new HashMap<>();
        for (BlobStore.Entry e : blobs.list("")) {
            LockKey key = BlobNames.keyOf(e.name());
            // Objects this service did not name are not ours to delete.
            if (key != null)
                byKey.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(e);
        }
        int deleted = 0;
        for (Map.Entry<LockKey, List<BlobStore.Entry>> group : byKey.entrySet()) {
            Set<String> named = new HashSet<>();
            table.stateHistory(group.getKey()).versions().forEach(v -> named.add(v.blob()));
            for (BlobStore.Entry e : group.getValue()) {
                // Safety: only unnamed and old enough: a young unnamed object may be a write still in flight.
                if (!named.contains(e.name()) && e.lastModifiedMs() < cutoff) {
                    blobs.delete(e.name());
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
