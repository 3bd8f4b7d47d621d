package io.statelock.adapter.terraforms3;

import static io.statelock.adapter.terraforms3.LockInfoJson.unavailable;

import io.statelock.adapter.terraforms3.LockInfoJson.Stored;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Terraform's lock files ({@code use_lockfile}): {@code <state key>.tflock} in the state's bucket, holding the
 * LockInfo JSON, taken with {@code If-None-Match: *}. S3 reads after a write see it, so a lock just taken or removed is
 * seen as such.
 */
final class LockFiles {
    static final String SUFFIX = ".tflock";

    private final S3Client s3;

    LockFiles(S3Client s3) {
        this.s3 = s3;
    }

    Optional<Stored> read(String bucket, String stateKey) {
        String object = stateKey + SUFFIX;
        try (var in = s3.getObject(r -> r.bucket(bucket).key(object))) {
            return LockInfoJson.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    in.response().eTag());
        } catch (NoSuchKeyException gone) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty(); // an S3 API that names no error code
            throw unavailable("reading lock file s3://" + bucket + "/" + object, e);
        } catch (SdkException | java.io.IOException e) {
            throw unavailable("reading lock file s3://" + bucket + "/" + object, e);
        }
    }

    /** The lock files of the bucket under {@code within}, by state key. */
    Map<String, Stored> list(String bucket, String within) {
        Map<String, Stored> locks = new TreeMap<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(within))
                    .contents()) {
                if (!o.key().endsWith(SUFFIX)) continue;
                String stateKey = o.key().substring(0, o.key().length() - SUFFIX.length());
                read(bucket, stateKey).ifPresent(f -> locks.put(stateKey, f));
            }
        } catch (SdkException e) {
            throw unavailable("listing the lock files in bucket " + bucket, e);
        }
        return locks;
    }

    /** Creates the lock file where there is none: its ETag, or null when one was there (this claim's own included). */
    String create(String bucket, String stateKey, String json) {
        String object = stateKey + SUFFIX;
        try {
            // If-None-Match: * creates the lock file only where none exists: Terraform's own lock, taken alike.
            return s3.putObject(
                            r -> r.bucket(bucket).key(object).ifNoneMatch("*").contentType("application/json"),
                            RequestBody.fromString(json))
                    .eTag();
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) return null;
            throw unavailable("taking lock file s3://" + bucket + "/" + object, e);
        } catch (SdkException e) {
            throw unavailable("taking lock file s3://" + bucket + "/" + object, e);
        }
    }

    /** Deletes the lock file while it is still the object with {@code etag}; false when it has changed or gone. */
    boolean delete(String bucket, String stateKey, String etag) {
        String object = stateKey + SUFFIX;
        try {
            // If-Match on the ETag read: the file is deleted only while it is that very object.
            s3.deleteObject(r -> r.bucket(bucket).key(object).ifMatch(etag));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) return false;
            throw unavailable("removing lock file s3://" + bucket + "/" + object, e);
        } catch (SdkException e) {
            throw unavailable("removing lock file s3://" + bucket + "/" + object, e);
        }
    }
}
