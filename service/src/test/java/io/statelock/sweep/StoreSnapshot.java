package io.statelock.sweep;

import io.statelock.lock.LockRecord;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.RecordPage;
import io.statelock.state.StateVersion;
import io.statelock.state.port.BlobStore;
import io.statelock.state.port.StatePointers;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the store holds, read through the service's own ports: every lock record (fence,
 * lease, owner, info, times, request id), every key's state pointer and history, and every state
 * object (with the SHA-256 of its bytes under {@code hashPrefix}).
 */
record StoreSnapshot(
        Map<String, LockRecord> records, Map<String, List<StateVersion>> histories, Map<String, String> objects) {

    static StoreSnapshot take(LockTable table, StatePointers pointers, BlobStore blobs, String hashPrefix)
            throws Exception {
        Map<String, LockRecord> records = new TreeMap<>();
        Map<String, List<StateVersion>> histories = new TreeMap<>();
        String token = "";
        do {
            RecordPage page = table.list("", 1000, token);
            for (LockRecord r : page.records()) {
                records.put(r.key().value(), r);
                histories.put(r.key().value(), pointers.stateHistory(r.key()).versions());
            }
            token = page.nextPageToken();
        } while (!token.isEmpty());
        Map<String, String> objects = new TreeMap<>();
        for (BlobStore.Entry e : blobs.list("")) {
            objects.put(e.name(), e.name().startsWith(hashPrefix) ? sha256(blobs, e.name()) : "(not read)");
        }
        return new StoreSnapshot(records, histories, objects);
    }

    private static String sha256(BlobStore blobs, String name) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = blobs.open(name).orElseThrow()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Every difference from {@code before}, one line each; empty when nothing changed. */
    List<String> changesSince(StoreSnapshot before) {
        List<String> changes = new ArrayList<>();
        diff("record", before.records, records, changes);
        diff("state history", before.histories, histories, changes);
        diff("state object", before.objects, objects, changes);
        return changes;
    }

    private static <V> void diff(String what, Map<String, V> before, Map<String, V> after, List<String> out) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            V b = before.get(k);
            V a = after.get(k);
            if (!Objects.equals(b, a)) out.add(what + " " + k + ": " + b + " -> " + a);
        }
    }
}
