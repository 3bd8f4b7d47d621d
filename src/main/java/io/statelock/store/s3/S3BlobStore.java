package io.statelock.store.s3;

import io.statelock.lock.StoreUnavailableException;
import io.statelock.store.BlobStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * State objects in an S3 bucket under a prefix. Objects are created with {@code If-None-Match: *}
 * (never overwritten) and never changed; the lock record, not S3, says which one is current, since
 * S3 {@code If-Match} is not a safe compare-and-set on every S3 implementation (TOOLCHAIN.md).
 * No AWS type leaves this package.
 */
public final class S3BlobStore implements BlobStore {
    private static final int PRECONDITION_FAILED = 412;
    private static final int CONFLICT = 409;

    private final S3Client client;
    private final String bucket;
    private final String prefix;

    public S3BlobStore(S3Client client, String bucket, String prefix) {
        this.client = Objects.requireNonNull(client, "client");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.prefix = prefix == null ? "" : prefix;
    }

    @Override
    public void create(String name, Path file) {
        try {
            // Safety: If-None-Match * makes the write fail rather than replace an object of the same name.
            client.putObject(b -> b.bucket(bucket).key(prefix + name).ifNoneMatch("*")
                    .contentType("application/octet-stream"), RequestBody.fromFile(file));
        } catch (S3Exception e) {
            // 412 (or 409 while a concurrent write of the same name is in progress): the name is taken.
            if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
                throw new IllegalStateException("state object " + name + " already exists; not overwritten", e);
            }
            throw unavailable("PutObject " + name, e);
        } catch (SdkException e) {
            throw unavailable("PutObject " + name, e);
        }
    }

    @Override
    public Optional<InputStream> open(String name) {
        try {
            return Optional.of(client.getObject(b -> b.bucket(bucket).key(prefix + name)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw unavailable("GetObject " + name, e);
        }
    }

    @Override
    public void delete(String name) {
        try {
            client.deleteObject(b -> b.bucket(bucket).key(prefix + name));
        } catch (SdkException e) {
            throw unavailable("DeleteObject " + name, e);
        }
    }

    @Override
    public List<Entry> list(String namePrefix) {
        List<Entry> entries = new ArrayList<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + namePrefix)).contents()) {
                entries.add(new Entry(o.key().substring(prefix.length()), o.lastModified().toEpochMilli()));
            }
        } catch (SdkException e) {
            throw unavailable("ListObjectsV2", e);
        }
        return entries;
    }

    @Override
    public void checkReady() {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            throw unavailable("HeadBucket", e);
        }
    }

    /** Creates the bucket unless it exists: for development and tests. */
    public void createBucketIfMissing() {
        try {
            client.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchKeyException | software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            client.createBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) throw unavailable("HeadBucket", e);
            client.createBucket(b -> b.bucket(bucket));
        }
    }

    private StoreUnavailableException unavailable(String operation, SdkException e) {
        String reason = e instanceof S3Exception s3 && s3.awsErrorDetails() != null
                ? s3.awsErrorDetails().errorCode() + ", HTTP " + s3.statusCode() : e.getMessage();
        return new StoreUnavailableException("S3 " + operation + " in bucket " + bucket + " failed: " + reason, e);
    }
}
