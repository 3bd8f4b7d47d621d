package io.statelock.state;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.lock.FencingTokens;
import io.statelock.state.port.BlobStore;
import io.statelock.state.port.PointerMove;
import io.statelock.state.port.PointerResult;
import io.statelock.state.port.StateHead;
import io.statelock.state.port.StatePointers;
import io.statelock.state.port.TerraformMetaReader;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The state use cases: fenced writes, verified reads, history, rollback, delete (tombstone).
 * Bytes go to a fresh immutable object first; the version exists only once the one conditional
 * write on the lock record names it (docs/design.md#invariant-3).
 */
public final class StateCoordinator {
    /** Pointer races with the same lease (two writes of one holder at once) are retried this often. */
    private static final int MAX_RACES = 5;
    /** The disk of a local blob store, as messages name it (never its path). */
    private static final String BLOB_DISK = "state directory's disk";

    /** One page of versions, newest first. */
    public record VersionPage(List<StateVersion> versions, String nextPageToken) {}

    private final StatePointers table;
    private final BlobStore blobs;
    private final TerraformMetaReader terraform;
    private final FencingTokens fences;
    private final Clock clock;
    private final StateSettings settings;
    private final HolderCheck holder;

    public StateCoordinator(
            StatePointers table,
            BlobStore blobs,
            TerraformMetaReader terraform,
            FencingTokens fences,
            Clock clock,
            StateSettings settings) {
        this.table = table;
        this.blobs = blobs;
        this.terraform = terraform;
        this.fences = fences;
        this.clock = clock;
        this.settings = settings;
        this.holder = new HolderCheck(table, fences, clock);
    }

    public StateSettings settings() {
        return settings;
    }

    /**
     * A spool for the bytes of an incoming write, within the size limit and free-space margin: refused at once
     * for a {@code declaredSize} (-1 when unknown) over them, and while it is written once it crosses them.
     */
    public Spool upload(long declaredSize) {
        return Spool.upload(settings.spoolDir(), settings.limits(), declaredSize);
    }

    /** Advisory, before any bytes arrive: is this the key's current, unexpired holder with the current token? */
    public void checkWriter(PutCommand command) {
        holder.require(
                table.stateHead(command.key()).lock(),
                command.leaseId(),
                holder.counterOf(command.key(), command.fencingToken()));
    }

    /** Stores the spooled bytes as the key's new current version, fenced by the command's lease and token. */
    public StateVersion put(PutCommand command, Spool spool) {
        return put(command, spool, () -> terraform.read(spool.file()));
    }

    /**
     * {@link #put(PutCommand, Spool)} for a caller that has read the bytes' serial and lineage already, as the
     * {@link TerraformMetaReader} reads them, so they are not parsed a second time.
     */
    public StateVersion put(PutCommand command, Spool spool, TerraformMeta meta) {
        Objects.requireNonNull(meta, "meta");
        return put(command, spool, () -> meta);
    }

    private StateVersion put(PutCommand command, Spool spool, Supplier<TerraformMeta> terraformMeta) {
        spool.finish();
        // A client digest that does not match what arrived: nothing is stored.
        if (!command.sha256().isEmpty() && !command.sha256().equals(spool.sha256())) {
            throw InvalidArgumentException.of(
                    "sha256",
                    "is " + command.sha256() + " but the bytes received hash to " + spool.sha256() + " (" + spool.size()
                            + " bytes); nothing stored");
        }
        long counter = holder.counterOf(command.key(), command.fencingToken());
        StateHead head = table.stateHead(command.key());
        holder.require(head.lock(), command.leaseId(), counter); // early, advisory: the real check is the pointer write
        Optional<StateVersion> current = head.current();
        // A retried write of the bytes that are already current is answered with that version, not a copy.
        if (current.isPresent()
                && !current.get().tombstone()
                && current.get().sha256().equals(spool.sha256())) {
            return current.get();
        }
        // Read only now: a retried write of the current bytes, answered above, is not parsed at all.
        TerraformMeta meta = terraformMeta.get();
        meta.requireAfter(current);
        // A local blob store copies the spool: its disk must keep the margin too (S3 reports no local space).
        blobs.usableSpace().ifPresent(free -> settings.limits().requireRoom(BLOB_DISK, free, spool.size()));
        String blob = BlobNames.newName(command.key(), command.fencingToken());
        blobs.create(blob, spool.file());
        StateVersion template = new StateVersion(
                command.key(),
                0,
                blob,
                spool.size(),
                spool.sha256(),
                spool.md5(),
                counter,
                0,
                "",
                meta.serial(),
                meta.lineage(),
                false);
        return commit(command.key(), command.leaseId(), counter, head, template, true);
    }

    /** Makes an old version current again, as a new version; needs the current lease. */
    public StateVersion rollback(LockKey key, String leaseId, long fencingToken, String toVersion) {
        long seq = parseVersion("to_version", toVersion);
        long counter = holder.counterOf(key, fencingToken);
        requireLeaseId(leaseId);
        StateHead head = table.stateHead(key);
        holder.require(head.lock(), leaseId, counter);
        StateVersion target = table.version(key, seq)
                .orElseThrow(() -> new StateNotFoundException("no version " + toVersion + " of " + key
                        + " in its history (kept: the newest " + settings.keepVersions() + ")"));
        // A rollback skips the serial check on purpose: going back is what it is for.
        return commit(key, leaseId, counter, head, target, false);
    }

    /** A version in the key's history (a tombstone too), or NOT_FOUND naming {@code field}: checked before a lease is taken. */
    public StateVersion version(LockKey key, String field, String version) {
        long seq = parseVersion(field, version);
        return table.version(key, seq)
                .orElseThrow(() -> new StateNotFoundException("no version " + version + " of " + key
                        + " in its history (kept: the newest " + settings.keepVersions() + ")"));
    }

    /** Deletes the state as a tombstone version: reads answer NOT_FOUND, the history stays. */
    public StateVersion delete(LockKey key, String leaseId, long fencingToken) {
        long counter = holder.counterOf(key, fencingToken);
        requireLeaseId(leaseId);
        StateHead head = table.stateHead(key);
        holder.require(head.lock(), leaseId, counter);
        StateVersion tombstone = new StateVersion(key, 0, "", 0, "", "", counter, 0, "", -1, "", true);
        return commit(key, leaseId, counter, head, tombstone, false);
    }

    /** The current version ({@code version} empty) or a named one, its digest verified before anything is served. */
    public StateRead read(LockKey key, String version) {
        StateVersion v;
        if (version == null || version.isEmpty()) {
            v = table.stateHead(key)
                    .current()
                    .filter(c -> !c.tombstone())
                    .orElseThrow(() -> new StateNotFoundException("no state stored for " + key));
        } else {
            long seq = parseVersion("version", version);
            v = table.version(key, seq)
                    .filter(c -> !c.tombstone())
                    .orElseThrow(() -> new StateNotFoundException("no version " + version + " of " + key));
        }
        InputStream in = blobs.open(v.blob())
                .orElseThrow(() -> new StateCorruptedException(
                        "the object " + v.blob() + " of version " + v.version() + " of " + key + " is missing"));
        Spool spool = Spool.copyOf(in, settings.spoolDir());
        // Safety: bytes that do not hash to the recorded digest are never served (docs/design.md#invariant-4).
        if (spool.size() != v.size() || !spool.sha256().equals(v.sha256())) {
            spool.close();
            throw new StateCorruptedException("stored bytes of " + key + " version " + v.version()
                    + " fail their digest (object " + v.blob() + "): expected sha256 " + v.sha256()
                    + " and " + v.size() + " bytes; not served");
        }
        return new StateRead(v, spool);
    }

    /** The key's history, newest first, paged. */
    public VersionPage versions(LockKey key, int pageSize, String pageToken) {
        if (pageSize < 0) throw InvalidArgumentException.of("page_size", "must not be negative");
        int size = pageSize == 0 ? 100 : Math.min(pageSize, 1000);
        long before = pageToken == null || pageToken.isEmpty() ? Long.MAX_VALUE : parseVersion("page_token", pageToken);
        // One more than the page: whether a next page exists, without a second read.
        List<StateVersion> read = table.versions(key, before, size + 1);
        List<StateVersion> page = read.size() > size ? read.subList(0, size) : read;
        boolean more = read.size() > size;
        return new VersionPage(page, more ? page.get(page.size() - 1).version() : "");
    }

    public FencingTokens fences() {
        return fences;
    }

    /** Moves the pointer to a new version made from {@code template}; re-decides after a race with the same lease. */
    private StateVersion commit(
            LockKey key, String leaseId, long counter, StateHead head, StateVersion template, boolean checkTerraform) {
        for (int attempt = 1; ; attempt++) {
            long now = clock.millis();
            StateVersion next = template.rewritten(
                    head.currentSeq() + 1, counter, now, head.lock().owner());
            // Bounded history: versions past keep-versions leave it, their objects become garbage.
            long oldest = Math.max(Math.max(1, head.oldestSeq()), next.seq() - settings.keepVersions() + 1);
            PointerResult result = table.movePointer(
                    new PointerMove(key, leaseId, counter, now, head.currentSeq(), next, head.current(), oldest));
            if (result instanceof PointerResult.Moved) return next;
            if (result instanceof PointerResult.LeaseLost lost) {
                throw holder.lost(lost.current(), leaseId, counter, now);
            }
            // Raced: another write of this same lease moved the pointer first; judge again against it.
            head = table.stateHead(key);
            if (attempt >= MAX_RACES) {
                throw StateConflictException.concurrentWrites(
                        key, head.current(), new TerraformMeta(template.serial(), template.lineage()));
            }
            holder.require(head.lock(), leaseId, counter);
            if (checkTerraform) new TerraformMeta(template.serial(), template.lineage()).requireAfter(head.current());
        }
    }

    private static void requireLeaseId(String leaseId) {
        if (leaseId == null || leaseId.isEmpty()) throw InvalidArgumentException.of("lease_id", "must not be empty");
    }

    private static long parseVersion(String field, String value) {
        try {
            long seq = Long.parseLong(value);
            if (seq > 0) return seq;
        } catch (NumberFormatException e) {
            // same answer below
        }
        throw InvalidArgumentException.of(field, "is not a version id (a positive number from ListVersions)");
    }
}
