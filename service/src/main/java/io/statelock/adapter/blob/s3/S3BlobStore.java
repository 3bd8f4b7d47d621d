package io.statelock.adapter.blob.s3;

import io.statelock.common.StoreUnavailableException;
import io.statelock.state.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    private static final int NOT_FOUND = 404;

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
            client.putObject(
                    b -> b.bucket(bucket).key(prefix + name).ifNoneMatch("*").contentType("application/octet-stream"),
                    RequestBody.fromFile(file));
        } catch (S3Exception e) {
            // 412 (or 409 while a conflicting write of the same name is in progress): the name is taken.
            if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
                requireOurs(name, file, e);
                return;
            }
            throw unavailable("PutObject " + name, e);
        } catch (SdkException e) {
            throw unavailable("PutObject " + name, e);
        }
    }

    /**
     * After a refused {@code If-None-Match: *}: names are fresh per write, so the object there is this write's
     * own first attempt, which landed before its answer was lost (the SDK then retried), when it holds exactly
     * these bytes; anything else is refused without touching it.
     */
    private void requireOurs(String name, Path file, S3Exception refusal) {
        // Safety: success only for an object of the same size and, compared byte for byte, the same bytes.
        Optional<Long> size = sizeOf(name);
        try {
            if (size.isPresent() && size.get() == Files.size(file) && sameBytes(name, file)) return;
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot read the state spool " + file + ": " + e.getMessage(), e);
        }
        throw new StoreUnavailableException(
                "S3 PutObject " + name + " in bucket " + bucket + " refused: "
                        + (size.isEmpty()
                                ? "a conflicting write of that name is in progress"
                                : "another object with other bytes has that name")
                        + "; nothing stored, retry the write (it takes a new name)",
                refusal);
    }

    private Optional<Long> sizeOf(String name) {
        try {
            return Optional.of(
                    client.headObject(b -> b.bucket(bucket).key(prefix + name)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) return Optional.empty();
            throw unavailable("HeadObject " + name, e);
        } catch (SdkException e) {
            throw unavailable("HeadObject " + name, e);
        }
    }

    private boolean sameBytes(String name, Path file) throws IOException {
        Optional<InputStream> stored = open(name);
        if (stored.isEmpty()) return false;
        try (InputStream remote = stored.get();
                InputStream local = Files.newInputStream(file)) {
            byte[] a = new byte[64 * 1024];
            byte[] b = new byte[a.length];
            while (true) {
                int n = remote.readNBytes(a, 0, a.length);
                int m = local.readNBytes(b, 0, b.length);
                if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) return false;
                if (n < a.length) return true;
            }
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
            for (S3Object o : client.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(prefix + namePrefix))
                    .contents()) {
                entries.add(new Entry(
                        o.key().substring(prefix.length()), o.lastModified().toEpochMilli()));
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
                ? s3.awsErrorDetails().errorCode() + ", HTTP " + s3.statusCode()
                : e.getMessage();
        return new StoreUnavailableException("S3 " + operation + " in bucket " + bucket + " failed: " + reason, e);
    }
}
