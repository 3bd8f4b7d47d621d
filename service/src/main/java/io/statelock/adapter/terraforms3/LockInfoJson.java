package io.statelock.adapter.terraforms3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.PlainRunLock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Terraform's LockInfo JSON, the body of a lock table item's {@code Info} and of a lock file, read and written. */
final class LockInfoJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LockInfoJson() {}

    /** A lock as one mechanism holds it: the parsed LockInfo, its raw JSON, and (lock files) the object's ETag. */
    record Stored(
            String id,
            String operation,
            String who,
            String version,
            long createdMs,
            String info,
            String path,
            String json,
            String etag) {}

    /** The LockInfo JSON Terraform writes; a body that is not one is not a lock (empty). */
    static Optional<Stored> parse(String json, String etag) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null
                    || !n.isObject()
                    || !n.path("ID").isTextual()
                    || n.path("ID").asText().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Stored(
                    n.path("ID").asText(),
                    n.path("Operation").asText(""),
                    n.path("Who").asText(""),
                    n.path("Version").asText(""),
                    created(n.path("Created").asText("")),
                    n.path("Info").asText(""),
                    n.path("Path").asText(""),
                    json,
                    etag));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** The LockInfo JSON as Terraform writes it (its field order; Created in RFC 3339). */
    static String write(PlainRunLock lock) {
        var n = JSON.createObjectNode();
        n.put("ID", lock.id());
        n.put("Operation", lock.operation());
        n.put("Info", lock.info());
        n.put("Who", lock.who());
        n.put("Version", lock.version());
        n.put("Created", Instant.ofEpochMilli(lock.createdMs()).toString());
        n.put("Path", lock.path());
        return n.toString();
    }

    private static long created(String rfc3339) {
        try {
            return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The error every mechanism reports a store call that failed with. */
    static StoreUnavailableException unavailable(String what, Exception e) {
        return new StoreUnavailableException("Terraform S3 backend: " + what + ": " + e.getMessage(), e);
    }
}
