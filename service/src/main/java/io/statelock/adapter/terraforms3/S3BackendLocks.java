package io.statelock.adapter.terraforms3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statelock.lock.LockKey;
import io.statelock.lock.PlainRunLock;
import io.statelock.lock.PlainRunLock.Mechanism;
import io.statelock.lock.StoreUnavailableException;
import io.statelock.lock.port.TerraformLocks;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Terraform's S3-backend locks, read and broken the way Terraform 1.11 itself keeps them: an item of the lock table
 * ({@code LockID} = {@code <bucket>/<state key>}, {@code Info} = the LockInfo JSON) and the lock file
 * {@code <state key>.tflock} in the state's bucket (the same JSON). The {@code <LockID>-md5} items beside the locks
 * hold state digests and are never touched. Reads are strongly consistent (DynamoDB) or read-after-write (S3), so a
 * lock just taken or removed is seen as such.
 */
public final class S3BackendLocks implements TerraformLocks {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String LOCK_FILE_SUFFIX = ".tflock";

    private final List<String> buckets;
    private final DynamoDbClient dynamoDb; // null: no lock table configured
    private final String table;
    private final S3Client s3; // null: lock files not used

    public S3BackendLocks(List<String> buckets, DynamoDbClient dynamoDb, String table, S3Client s3) {
        this.buckets = List.copyOf(buckets);
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.s3 = s3;
    }

    @Override
    public boolean covers(String keyOrPrefix) {
        // Only keys and prefixes inside one bucket: a broader listing (every key) stays statelock's own, so a
        // Terraform store that is slow or refuses never touches other keys, and pages stay in key order.
        return buckets.stream().anyMatch(b -> keyOrPrefix.startsWith(b + "/"));
    }

    @Override
    public Optional<PlainRunLock> read(LockKey key) {
        String bucket = bucketOf(key.value());
        if (bucket == null) return Optional.empty();
        Map<Mechanism, Found> found = new TreeMap<>();
        if (dynamoDb != null) tableItem(key).ifPresent(f -> found.put(Mechanism.DYNAMODB_TABLE, f));
        if (s3 != null) lockFile(bucket, key.value().substring(bucket.length() + 1))
                .ifPresent(f -> found.put(Mechanism.LOCKFILE, f));
        return merge(key, found);
    }

    @Override
    public List<PlainRunLock> list(String prefix) {
        Map<String, Map<Mechanism, Found>> byKey = new TreeMap<>();
        if (dynamoDb != null) {
            // A scan: Terraform's lock table holds only the locks in force and one digest item per state. The filter
            // keeps the keys under the prefix that carry a LockInfo (the -md5 digest items have none).
            ScanRequest scan = ScanRequest.builder().tableName(table).consistentRead(true)
                    .filterExpression("begins_with(LockID, :p) AND attribute_exists(Info)")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(prefix))).build();
            try {
                dynamoDb.scanPaginator(scan).items().forEach(item -> parse(item.get("Info").s(), "")
                        .ifPresent(f -> byKey.computeIfAbsent(item.get("LockID").s(), k -> new TreeMap<>())
                                .put(Mechanism.DYNAMODB_TABLE, f)));
            } catch (SdkException e) {
                throw unavailable("listing the Terraform lock table " + table, e);
            }
        }
        if (s3 != null) {
            for (String bucket : buckets) {
                if (!prefix.startsWith(bucket + "/")) continue;
                String within = prefix.length() > bucket.length() + 1 ? prefix.substring(bucket.length() + 1) : "";
                try {
                    for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(within)).contents()) {
                        if (!o.key().endsWith(LOCK_FILE_SUFFIX)) continue;
                        String stateKey = o.key().substring(0, o.key().length() - LOCK_FILE_SUFFIX.length());
                        lockFile(bucket, stateKey).ifPresent(f -> byKey.computeIfAbsent(bucket + "/" + stateKey,
                                k -> new TreeMap<>()).put(Mechanism.LOCKFILE, f));
                    }
                } catch (SdkException e) {
                    throw unavailable("listing the lock files in bucket " + bucket, e);
                }
            }
        }
        List<PlainRunLock> locks = new ArrayList<>();
        byKey.forEach((k, found) -> {
            if (LockKey.problem(k) == null) merge(new LockKey(k), found).ifPresent(locks::add);
        });
        return locks;
    }

    @Override
    public Set<Mechanism> remove(LockKey key, String id) {
        String bucket = bucketOf(key.value());
        Set<Mechanism> removed = EnumSet.noneOf(Mechanism.class);
        if (bucket == null) return removed;
        if (dynamoDb != null) {
            Optional<Found> item = tableItem(key);
            if (item.isPresent() && item.get().id().equals(id)) {
                try {
                    // Compare-and-delete: only while Info is still exactly the lock read here (the ID named), so a
                    // lock another run took since is never deleted.
                    dynamoDb.deleteItem(r -> r.tableName(table).key(Map.of("LockID", AttributeValue.fromS(key.value())))
                            .conditionExpression("Info = :info")
                            .expressionAttributeValues(Map.of(":info", AttributeValue.fromS(item.get().json()))));
                    removed.add(Mechanism.DYNAMODB_TABLE);
                } catch (ConditionalCheckFailedException changed) {
                    // another run's lock now: left in place
                } catch (SdkException e) {
                    throw unavailable("removing the lock of " + key.value() + " from table " + table, e);
                }
            }
        }
        if (s3 != null) {
            String object = key.value().substring(bucket.length() + 1) + LOCK_FILE_SUFFIX;
            Optional<Found> file = lockFile(bucket, key.value().substring(bucket.length() + 1));
            if (file.isPresent() && file.get().id().equals(id)) {
                try {
                    // If-Match on the ETag read: the file is deleted only while it is the lock read here.
                    s3.deleteObject(r -> r.bucket(bucket).key(object).ifMatch(file.get().etag()));
                    removed.add(Mechanism.LOCKFILE);
                } catch (S3Exception e) {
                    if (e.statusCode() != 412 && e.statusCode() != 404) {
                        throw unavailable("removing lock file s3://" + bucket + "/" + object, e);
                    }
                } catch (SdkException e) {
                    throw unavailable("removing lock file s3://" + bucket + "/" + object, e);
                }
            }
        }
        return removed;
    }

    @Override
    public List<String> prefixes() {
        return buckets.stream().map(b -> b + "/").toList();
    }

    @Override
    public Set<Mechanism> mechanisms() {
        Set<Mechanism> m = EnumSet.noneOf(Mechanism.class);
        if (dynamoDb != null) m.add(Mechanism.DYNAMODB_TABLE);
        if (s3 != null) m.add(Mechanism.LOCKFILE);
        return m;
    }

    @Override
    public Optional<PlainRunLock> claim(PlainRunLock lock) {
        LockKey key = lock.key();
        String bucket = bucketOf(key.value());
        if (bucket == null) throw new IllegalArgumentException(key.value() + " is not under a configured bucket");
        String object = key.value().substring(bucket.length() + 1) + LOCK_FILE_SUFFIX;
        String json = json(lock);
        String fileEtag = null;
        if (s3 != null) {
            try {
                // If-None-Match: * creates the lock file only where none exists: Terraform's own lock, taken alike.
                fileEtag = s3.putObject(r -> r.bucket(bucket).key(object).ifNoneMatch("*").contentType("application/json"),
                        RequestBody.fromString(json)).eTag();
            } catch (S3Exception e) {
                if (e.statusCode() != 412 && e.statusCode() != 409) {
                    throw unavailable("taking lock file s3://" + bucket + "/" + object, e);
                }
                // Taken already: by this very claim when the SDK retried a PUT whose answer was lost, else by another.
                Optional<Found> there = lockFile(bucket, key.value().substring(bucket.length() + 1));
                if (there.isEmpty() || !there.get().id().equals(lock.id())) return Optional.of(holder(key));
                fileEtag = there.get().etag();
            } catch (SdkException e) {
                throw unavailable("taking lock file s3://" + bucket + "/" + object, e);
            }
        }
        if (dynamoDb != null) {
            try {
                // attribute_not_exists(LockID): written only where no lock item exists, as Terraform writes its own.
                dynamoDb.putItem(r -> r.tableName(table).conditionExpression("attribute_not_exists(LockID)")
                        .item(Map.of("LockID", AttributeValue.fromS(key.value()), "Info", AttributeValue.fromS(json))));
            } catch (ConditionalCheckFailedException held) {
                Optional<Found> there = tableItem(key);
                if (there.isPresent() && there.get().id().equals(lock.id())) return Optional.empty(); // ours already
                dropFile(bucket, object, fileEtag);
                return Optional.of(holder(key));
            } catch (SdkException e) {
                dropFile(bucket, object, fileEtag);
                throw unavailable("taking the lock of " + key.value() + " in table " + table, e);
            }
        }
        return Optional.empty();
    }

    /** Gives back a lock file this claim created (If-Match: only that very object). */
    private void dropFile(String bucket, String object, String etag) {
        if (etag == null) return;
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(object).ifMatch(etag));
        } catch (SdkException e) {
            // Left behind, it is statelock's own lock of a lease never granted: the stale-lock healer removes it.
        }
    }

    /** Who holds the lock a claim found taken; a placeholder when it is gone again already. */
    private PlainRunLock holder(LockKey key) {
        return read(key).orElseGet(() -> new PlainRunLock(key, "", "", "another Terraform run", "", 0, "", key.value(),
                mechanisms()));
    }

    /** The LockInfo JSON as Terraform writes it (its field order; Created in RFC 3339). */
    private static String json(PlainRunLock lock) {
        var n = JSON.createObjectNode();
        n.put("ID", lock.id());
        n.put("Operation", lock.operation());
        n.put("Info", lock.info());
        n.put("Who", lock.who());
        n.put("Version", lock.version());
        n.put("Created", java.time.Instant.ofEpochMilli(lock.createdMs()).toString());
        n.put("Path", lock.path());
        return n.toString();
    }

    /** A lock as one mechanism holds it: the parsed LockInfo, its raw JSON, and (lock files) the object's ETag. */
    private record Found(String id, String operation, String who, String version, long createdMs, String info,
                         String path, String json, String etag) {}

    private Optional<Found> tableItem(LockKey key) {
        try {
            var item = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("LockID", AttributeValue.fromS(key.value())))).item();
            if (item == null || !item.containsKey("Info") || item.get("Info").s() == null) return Optional.empty();
            return parse(item.get("Info").s(), "");
        } catch (SdkException e) {
            throw unavailable("reading the lock of " + key.value() + " from table " + table, e);
        }
    }

    private Optional<Found> lockFile(String bucket, String stateKey) {
        String object = stateKey + LOCK_FILE_SUFFIX;
        try (var in = s3.getObject(r -> r.bucket(bucket).key(object))) {
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return parse(json, in.response().eTag());
        } catch (NoSuchKeyException gone) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty(); // an S3 API that names no error code
            throw unavailable("reading lock file s3://" + bucket + "/" + object, e);
        } catch (SdkException | java.io.IOException e) {
            throw unavailable("reading lock file s3://" + bucket + "/" + object, e);
        }
    }

    /** The LockInfo JSON Terraform writes; a body that is not one is not a lock (empty). */
    private static Optional<Found> parse(String json, String etag) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject() || !n.path("ID").isTextual() || n.path("ID").asText().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Found(n.path("ID").asText(), n.path("Operation").asText(""), n.path("Who").asText(""),
                    n.path("Version").asText(""), created(n.path("Created").asText("")), n.path("Info").asText(""),
                    n.path("Path").asText(""), json, etag));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static long created(String rfc3339) {
        try {
            return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * One lock from what the mechanisms hold. Terraform takes the lock file first, so when both hold locks with
     * different IDs (one left behind by a crash between the two), the lock file's is the one shown.
     */
    private static Optional<PlainRunLock> merge(LockKey key, Map<Mechanism, Found> found) {
        if (found.isEmpty()) return Optional.empty();
        Found shown = found.getOrDefault(Mechanism.LOCKFILE, found.get(Mechanism.DYNAMODB_TABLE));
        Set<Mechanism> where = EnumSet.noneOf(Mechanism.class);
        found.forEach((m, f) -> {
            if (f.id().equals(shown.id())) where.add(m);
        });
        return Optional.of(new PlainRunLock(key, shown.id(), shown.operation(), shown.who(), shown.version(),
                shown.createdMs(), shown.info(), shown.path(), where));
    }

    private String bucketOf(String key) {
        return buckets.stream().filter(b -> key.startsWith(b + "/") && key.length() > b.length() + 1).findFirst()
                .orElse(null);
    }

    private static StoreUnavailableException unavailable(String what, Exception e) {
        return new StoreUnavailableException("Terraform S3 backend: " + what + ": " + e.getMessage(), e);
    }
}
