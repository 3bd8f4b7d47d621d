package io.statelock.state;

import io.statelock.common.LockKey;
import java.util.Objects;

/**
 * One version of a key's state, as the lock record's history names it. {@code seq} only goes up
 * per key (the version id clients see is its decimal form); {@code blob} is the immutable object
 * holding the bytes. A tombstone (the state was deleted) has no blob. {@code serial} is -1 and
 * {@code lineage} empty for bytes that are not Terraform state.
 */
public record StateVersion(
        LockKey key,
        long seq,
        String blob,
        long size,
        String sha256,
        String md5,
        long fenceCounter,
        long writtenAtMs,
        String writtenBy,
        long serial,
        String lineage,
        boolean tombstone) {

    public StateVersion {
        Objects.requireNonNull(key, "key");
        blob = blob == null ? "" : blob;
        sha256 = sha256 == null ? "" : sha256;
        md5 = md5 == null ? "" : md5;
        writtenBy = writtenBy == null ? "" : writtenBy;
        lineage = lineage == null ? "" : lineage;
    }

    /** The id clients see. */
    public String version() {
        return Long.toString(seq);
    }

    /** The same bytes written again as a new version (a rollback). */
    public StateVersion rewritten(long newSeq, long fence, long nowMs, String by) {
        return new StateVersion(key, newSeq, blob, size, sha256, md5, fence, nowMs, by, serial, lineage, tombstone);
    }

    /** Carries Terraform's serial and lineage. */
    public boolean isTerraform() {
        return serial >= 0 && !lineage.isEmpty();
    }
}
