package io.statelock.client;

import java.time.Instant;
import java.util.List;

/**
 * Looking at locks and breaking them: describe, list (paged), watch, audit, force-release. Get it
 * from {@link StatelockClient#admin()}. Every call but a watch is retried on {@code UNAVAILABLE}.
 */
public interface Admin {

    /** Who holds {@code key}, since when, for what. */
    LockState describe(String key);

    /**
     * One page of the keys under {@code prefix} (empty for all), only held ones if asked; pass the
     * previous page's {@link Page#nextPageToken()} for the next (empty for the first).
     *
     * @param pageSize at most this many (the service bounds it)
     */
    Page<LockState> list(String prefix, boolean heldOnly, int pageSize, String pageToken);

    /** All keys under {@code prefix} (empty for all), following every page; only held ones if asked. */
    List<LockState> listAll(String prefix, boolean heldOnly);

    /**
     * Watches one key: first one {@link LockEvent.Type#SNAPSHOT} event with its current state, then
     * each change as it happens, to {@code listener} on a gRPC thread (keep it short). The watch ends
     * when closed, or when the call fails ({@link WatchListener#onError}: watch again, the snapshot
     * says where things stand). Not retried.
     */
    Watcher watchKey(String key, WatchListener listener);

    /** {@link #watchKey} for every key under {@code prefix} (empty for all): a snapshot event per key. */
    Watcher watchPrefix(String prefix, WatchListener listener);

    /**
     * Audit records for keys under {@code prefix} (empty for all) between {@code since} and {@code
     * until} (either may be null), following pages up to {@code limit} records. Admin only.
     */
    List<AuditEntry> audit(String prefix, Instant since, Instant until, int limit);

    /**
     * Breaks a lock (operators). With {@code expectedFencingToken != 0} only while that token is
     * still the holder's, else {@link LeaseLostException}.
     */
    ForceReleaseResult forceRelease(String key, String reason, long expectedFencingToken);

    /**
     * Breaks the lock a plain Terraform run holds on a Terraform S3 state (operators): the lock table item and the lock
     * file, only while their Terraform lock ID is {@code terraformLockId} (as {@link LockState#terraformLockId()}
     * showed it). Not released when the key has another lock or none.
     */
    ForceReleaseResult forceUnlockTerraform(String key, String reason, String terraformLockId);
}
