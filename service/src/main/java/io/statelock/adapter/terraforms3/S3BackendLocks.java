package io.statelock.adapter.terraforms3;

import io.statelock.adapter.terraforms3.LockInfoJson.Stored;
import io.statelock.common.LockKey;
import io.statelock.common.StatelockException;
import io.statelock.lock.PlainRunLock;
import io.statelock.lock.PlainRunLock.Mechanism;
import io.statelock.lock.port.TerraformLocks;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Terraform's S3-backend locks of the states under the configured buckets, kept the way Terraform 1.11 itself keeps
 * them: an item of the lock table ({@link LockTableItems}) and/or the lock file ({@link LockFiles}), read as one lock,
 * taken in Terraform's order (the file first, then the item) and removed with a compare on what was read.
 */
public final class S3BackendLocks implements TerraformLocks {
    private final List<String> buckets;
    private final LockTableItems table; // null: no lock table configured
    private final LockFiles files; // null: lock files not used

    public S3BackendLocks(List<String> buckets, DynamoDbClient dynamoDb, String table, S3Client s3) {
        this.buckets = List.copyOf(buckets);
        this.table = dynamoDb == null ? null : new LockTableItems(dynamoDb, table);
        this.files = s3 == null ? null : new LockFiles(s3);
    }

    @Override
    public boolean covers(String keyOrPrefix) {
        // Only keys and prefixes inside one bucket: a broader listing (every key) stays statelock's own, so a
        // Terraform store that is slow or refuses never touches other keys, and pages stay in key order.
        return buckets.stream().anyMatch(b -> keyOrPrefix.startsWith(b + "/"));
    }

    @Override
    public List<String> prefixes() {
        return buckets.stream().map(b -> b + "/").toList();
    }

    @Override
    public Set<Mechanism> mechanisms() {
        Set<Mechanism> m = EnumSet.noneOf(Mechanism.class);
        if (table != null) m.add(Mechanism.DYNAMODB_TABLE);
        if (files != null) m.add(Mechanism.LOCKFILE);
        return m;
    }

    @Override
    public Optional<PlainRunLock> read(LockKey key) {
        String bucket = bucketOf(key.value());
        if (bucket == null) return Optional.empty();
        Map<Mechanism, Stored> found = new TreeMap<>();
        if (table != null) table.read(key.value()).ifPresent(f -> found.put(Mechanism.DYNAMODB_TABLE, f));
        if (files != null) files.read(bucket, stateKey(bucket, key)).ifPresent(f -> found.put(Mechanism.LOCKFILE, f));
        return merge(key, found);
    }

    @Override
    public List<PlainRunLock> list(String prefix) {
        Map<String, Map<Mechanism, Stored>> byKey = new TreeMap<>();
        if (table != null) {
            table.list(prefix)
                    .forEach((k, f) ->
                            byKey.computeIfAbsent(k, x -> new TreeMap<>()).put(Mechanism.DYNAMODB_TABLE, f));
        }
        for (String bucket : files == null ? List.<String>of() : buckets) {
            if (!prefix.startsWith(bucket + "/")) continue;
            files.list(bucket, prefix.substring(bucket.length() + 1))
                    .forEach((stateKey, f) -> byKey.computeIfAbsent(bucket + "/" + stateKey, x -> new TreeMap<>())
                            .put(Mechanism.LOCKFILE, f));
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
        if (table != null) {
            Optional<Stored> item = table.read(key.value());
            if (item.isPresent() && item.get().id().equals(id) && table.delete(key.value(), item.get())) {
                removed.add(Mechanism.DYNAMODB_TABLE);
            }
        }
        if (files != null) {
            Optional<Stored> file = files.read(bucket, stateKey(bucket, key));
            if (file.isPresent()
                    && file.get().id().equals(id)
                    && files.delete(bucket, stateKey(bucket, key), file.get().etag())) {
                removed.add(Mechanism.LOCKFILE);
            }
        }
        return removed;
    }

    @Override
    public Optional<PlainRunLock> claim(PlainRunLock lock) {
        LockKey key = lock.key();
        String bucket = bucketOf(key.value());
        if (bucket == null) throw new IllegalArgumentException(key.value() + " is not under a configured bucket");
        String stateKey = stateKey(bucket, key);
        String json = LockInfoJson.write(lock);
        String fileEtag = null;
        if (files != null) {
            fileEtag = files.create(bucket, stateKey, json);
            if (fileEtag == null) {
                // Taken already: by this very claim when the SDK retried a PUT whose answer was lost, else by another.
                Optional<Stored> there = files.read(bucket, stateKey);
                if (there.isEmpty() || !there.get().id().equals(lock.id())) return Optional.of(holder(key));
                fileEtag = there.get().etag();
            }
        }
        if (table != null) {
            boolean created;
            try {
                created = table.create(key.value(), json);
            } catch (StatelockException e) {
                dropFile(bucket, stateKey, fileEtag);
                throw e;
            }
            if (!created) {
                Optional<Stored> there = table.read(key.value());
                if (there.isPresent() && there.get().id().equals(lock.id())) return Optional.empty(); // ours already
                dropFile(bucket, stateKey, fileEtag);
                return Optional.of(holder(key));
            }
        }
        return Optional.empty();
    }

    /** Gives back a lock file this claim created (If-Match: only that very object). */
    private void dropFile(String bucket, String stateKey, String etag) {
        if (etag == null) return;
        try {
            files.delete(bucket, stateKey, etag);
        } catch (StatelockException e) {
            // Left behind, it is statelock's own lock of a lease never granted: the stale-lock healer removes it.
        }
    }

    /** Who holds the lock a claim found taken; a placeholder when it is gone again already. */
    private PlainRunLock holder(LockKey key) {
        return read(key)
                .orElseGet(() ->
                        new PlainRunLock(key, "", "", "another Terraform run", "", 0, "", key.value(), mechanisms()));
    }

    /**
     * One lock from what the mechanisms hold. Terraform takes the lock file first, so when both hold locks with
     * different IDs (one left behind by a crash between the two), the lock file's is the one shown.
     */
    private static Optional<PlainRunLock> merge(LockKey key, Map<Mechanism, Stored> found) {
        if (found.isEmpty()) return Optional.empty();
        Stored shown = found.getOrDefault(Mechanism.LOCKFILE, found.get(Mechanism.DYNAMODB_TABLE));
        Set<Mechanism> where = EnumSet.noneOf(Mechanism.class);
        found.forEach((m, f) -> {
            if (f.id().equals(shown.id())) where.add(m);
        });
        return Optional.of(new PlainRunLock(
                key,
                shown.id(),
                shown.operation(),
                shown.who(),
                shown.version(),
                shown.createdMs(),
                shown.info(),
                shown.path(),
                where));
    }

    private String bucketOf(String key) {
        return buckets.stream()
                .filter(b -> key.startsWith(b + "/") && key.length() > b.length() + 1)
                .findFirst()
                .orElse(null);
    }

    private static String stateKey(String bucket, LockKey key) {
        return key.value().substring(bucket.length() + 1);
    }
}
