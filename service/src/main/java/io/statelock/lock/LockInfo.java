package io.statelock.lock;

import io.statelock.common.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Why a lock is held: operation, who, version, path, free text and labels. At most 4 KiB in all. */
public record LockInfo(
        String operation, String who, String version, String path, String info, Map<String, String> labels) {
    public static final int MAX_BYTES = 4096;
    public static final int MAX_LABELS = 32;
    public static final LockInfo EMPTY = new LockInfo("", "", "", "", "", Map.of());

    public LockInfo {
        operation = nullToEmpty(operation);
        who = nullToEmpty(who);
        version = nullToEmpty(version);
        path = nullToEmpty(path);
        info = nullToEmpty(info);
        labels = labels == null ? Map.of() : Map.copyOf(new TreeMap<>(labels));
        List<InvalidArgumentException.Violation> violations = new ArrayList<>();
        if (labels.size() > MAX_LABELS) {
            violations.add(new InvalidArgumentException.Violation(
                    "info.labels", "at most " + MAX_LABELS + " labels, got " + labels.size()));
        }
        if (labels.keySet().stream().anyMatch(String::isEmpty)) {
            violations.add(new InvalidArgumentException.Violation("info.labels", "label names must not be empty"));
        }
        // Every heartbeat rewrites the whole item and DynamoDB bills by item size: keep it small.
        int bytes = utf8(operation)
                + utf8(who)
                + utf8(version)
                + utf8(path)
                + utf8(info)
                + labels.entrySet().stream()
                        .mapToInt(e -> utf8(e.getKey()) + utf8(e.getValue()))
                        .sum();
        if (bytes > MAX_BYTES) {
            violations.add(new InvalidArgumentException.Violation(
                    "info", "must be at most " + MAX_BYTES + " bytes in total, got " + bytes));
        }
        if (!violations.isEmpty()) {
            throw new InvalidArgumentException(violations);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
