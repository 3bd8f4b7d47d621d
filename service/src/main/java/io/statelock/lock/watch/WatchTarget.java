package io.statelock.lock.watch;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.KeyPrefix;
import io.statelock.common.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.RecordPage;
import java.util.ArrayList;
import java.util.List;

/** What one watch follows: a single key, or every key under a prefix (empty prefix: every key). */
record WatchTarget(LockKey key, KeyPrefix prefix) {
    /** Page size of the prefix listing a watch poll reads. */
    static final int PAGE_SIZE = 500;
    /**
     * Upper bound of records one poll (or snapshot) of a prefix reads. Keys past it, in key order,
     * are neither in the snapshot nor polled for changes from other replicas (changes made on this
     * replica still arrive); watch a narrower prefix to see them. Keeps one poll of a huge prefix
     * from reading the whole table every interval.
     */
    static final int MAX_RECORDS_PER_POLL = 10_000;

    /** Validates a Watch request: key XOR prefix, both empty = every key. */
    static WatchTarget of(String key, String prefix) {
        String k = key == null ? "" : key;
        String p = prefix == null ? "" : prefix;
        if (!k.isEmpty() && !p.isEmpty()) {
            throw InvalidArgumentException.of("prefix", "must be empty when key is set: watch one key or one prefix");
        }
        if (!k.isEmpty()) {
            return new WatchTarget(new LockKey(k), null);
        }
        return new WatchTarget(null, KeyPrefix.of(p));
    }

    boolean covers(LockKey candidate) {
        return key != null ? key.equals(candidate) : prefix.matches(candidate);
    }

    /** The records as the store has them now; a key never acquired reads as an absent record. */
    List<LockRecord> read(LockTable table) {
        if (key != null) {
            return List.of(table.get(key).orElseGet(() -> LockRecord.absent(key)));
        }
        List<LockRecord> records = new ArrayList<>();
        String token = "";
        do {
            RecordPage page =
                    table.list(prefix.value(), Math.min(PAGE_SIZE, MAX_RECORDS_PER_POLL - records.size()), token);
            records.addAll(page.records());
            token = page.nextPageToken();
        } while (!token.isEmpty() && records.size() < MAX_RECORDS_PER_POLL);
        return records;
    }

    @Override
    public String toString() {
        return key != null ? "key " + key : "prefix '" + prefix + "'";
    }
}
