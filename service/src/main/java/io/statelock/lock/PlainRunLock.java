package io.statelock.lock;

import io.statelock.common.LockKey;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A lock a plain Terraform run took on the S3 backend, as its lock table item and its lock file show it (the LockInfo
 * JSON Terraform writes: ID, Operation, Who, Version, Created, Info, Path). Such a lock has no lease and no expiry:
 * it stays until its run removes it or an admin breaks it.
 *
 * @param mechanisms where the lock was found: {@link Mechanism#DYNAMODB_TABLE}, {@link Mechanism#LOCKFILE} or both
 */
public record PlainRunLock(
        LockKey key,
        String id,
        String operation,
        String who,
        String version,
        long createdMs,
        String info,
        String path,
        Set<Mechanism> mechanisms) {
    /** The labels a plain run's holder is shown with: its Terraform lock ID and where the lock is. */
    public static final String ID_LABEL = "terraform-lock-id";

    public static final String MECHANISM_LABEL = "terraform-lock";
    /**
     * The lease id a plain run's lock record carries: no caller can present it (a random part per process), so no
     * join, heartbeat, release or fence check ever matches it.
     */
    private static final String LEASE_MARKER = "terraform-lock:" + java.util.UUID.randomUUID() + ":";

    /** Terraform's two lock mechanisms of the S3 backend. */
    public enum Mechanism {
        /** An item in the DynamoDB table named by the backend's {@code dynamodb_table}. */
        DYNAMODB_TABLE("dynamodb-table"),
        /** The object {@code <state key>.tflock} in the state's bucket ({@code use_lockfile}). */
        LOCKFILE("lockfile");

        private final String label;

        Mechanism(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public PlainRunLock {
        mechanisms = Set.copyOf(mechanisms);
        operation = operation == null ? "" : operation;
        who = who == null ? "" : who;
        version = version == null ? "" : version;
        info = info == null ? "" : info;
        path = path == null ? "" : path;
    }

    /** The mechanisms by label, in a fixed order: {@code dynamodb-table,lockfile}. */
    public String mechanismLabel() {
        return String.join(
                ",", mechanisms.stream().sorted().map(Mechanism::label).toList());
    }

    /**
     * The lock as a lock record of the key: held by its Who, with no expiry, and a lease id no caller can have (so
     * no heartbeat or release matches it). {@code fenceCounter} is statelock's own counter of the key.
     */
    LockRecord asRecord(long fenceCounter) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(MECHANISM_LABEL, mechanismLabel());
        // LockInfo keeps at most 4 KiB: whatever a lock file holds, each field is cut to its share of it.
        labels.put(ID_LABEL, cut(id, 256));
        LockInfo lockInfo = new LockInfo(
                cut(operation, 256), cut(who, 256), cut(version, 256), cut(path, 1024), cut(info, 1024), labels);
        return new LockRecord(
                key, fenceCounter, LEASE_MARKER + id, cut(who, 256), lockInfo, createdMs, LockRecord.NO_EXPIRY, 0, "");
    }

    /** Whether {@code record} stands for a plain Terraform run's lock (not a lease). */
    public static boolean holds(LockRecord record) {
        return record.hasLease() && record.leaseId().startsWith(LEASE_MARKER);
    }

    private static int bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static String cut(String s, int maxBytes) {
        if (bytes(s) <= maxBytes) return s;
        StringBuilder b = new StringBuilder();
        int used = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (used + n > maxBytes - 3) break;
            b.appendCodePoint(cp);
            used += n;
            i += Character.charCount(cp);
        }
        return b + "…";
    }
}
