package io.statelock.lock;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.common.StoreUnavailableException;
import io.statelock.lock.port.AcquireResult;
import io.statelock.lock.port.ForceReleaseResult;
import io.statelock.lock.port.HeartbeatResult;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.NewLease;
import io.statelock.lock.port.RecordPage;
import io.statelock.lock.port.ReleaseResult;
import io.statelock.lock.port.TerraformLocks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lock table as the lock use cases see it when some keys are Terraform S3 states. Both ways exclusive:
 * <ul>
 * <li>a key a plain Terraform run has locked reads as held by that run (describe, list, watch), and an acquire of it
 * is refused with that holder, so a waiting acquire polls the key once per interval until the run's lock goes;</li>
 * <li>a lease granted on such a key takes Terraform's own lock for itself ({@link TerraformMirror}), so a plain run
 * started meanwhile fails as against any other run; the lock goes when the lease is released or broken (an expired
 * one: {@link StaleLockHealer}). A plain run that takes Terraform's lock between the read and the claim wins: the
 * grant is given back.</li>
 * </ul>
 * statelock's own Terraform locks are never shown as a plain run's. Every other key goes to the table unchanged.
 */
public final class PlainRunView implements LockTable {
    private final LockTable table;
    private final TerraformLocks terraform;
    private final FencingTokens fences;

    public PlainRunView(LockTable table, TerraformLocks terraform, FencingTokens fences) {
        this.table = table;
        this.terraform = terraform;
        this.fences = fences;
    }

    @Override
    public AcquireResult acquire(NewLease lease, long takeoverBeforeMs) {
        LockKey key = lease.key();
        if (!terraform.covers(key.value())) return table.acquire(lease, takeoverBeforeMs);
        Optional<PlainRunLock> seen = terraform.read(key);
        if (seen.isPresent() && !TerraformMirror.isMirror(seen.get())) {
            return new AcquireResult.Held(seen.get().asRecord(counter(table.get(key))));
        }
        AcquireResult result = table.acquire(lease, takeoverBeforeMs);
        if (result instanceof AcquireResult.Held held) return retried(lease, held, seen);
        AcquireResult.Granted granted = (AcquireResult.Granted) result;
        try {
            // statelock's lock of an earlier lease (ended: the table just granted over it) makes way for this one's.
            if (seen.isPresent()) terraform.remove(key, seen.get().id());
            Optional<PlainRunLock> other =
                    terraform.claim(TerraformMirror.of(granted.record(), fences, terraform.mechanisms()));
            if (other.isEmpty()) return granted;
            giveBack(key, lease.leaseId(), null);
            return new AcquireResult.Held(other.get().asRecord(granted.record().fenceCounter()));
        } catch (RuntimeException e) {
            giveBack(key, lease.leaseId(), e);
            throw e;
        }
    }

    /**
     * A retry of an acquire that was granted (same request id: the coordinator hands the caller that lease again)
     * gets it only with its Terraform lock in place: the first try's claim may have failed or not have finished.
     */
    private AcquireResult retried(NewLease lease, AcquireResult.Held held, Optional<PlainRunLock> seen) {
        LockRecord holder = held.holder();
        // The coordinator's own test of a retry (AcquireAttempt.isRetryOf): same request id and owner.
        boolean retry = !lease.requestId().isEmpty()
                && lease.requestId().equals(holder.requestId())
                && lease.owner().equals(holder.owner())
                && holder.hasLease();
        if (!retry || (seen.isPresent() && TerraformMirror.counterOf(seen.get()) == holder.fenceCounter())) return held;
        try {
            if (seen.isPresent()) terraform.remove(lease.key(), seen.get().id()); // an earlier lease's, ended
            Optional<PlainRunLock> other = terraform.claim(TerraformMirror.of(holder, fences, terraform.mechanisms()));
            if (other.isEmpty()) return held;
            // A plain run holds Terraform's lock: the lease cannot keep it out, so it is given back, not handed out.
            giveBack(lease.key(), holder.leaseId(), null);
            return new AcquireResult.Held(other.get().asRecord(holder.fenceCounter()));
        } catch (RuntimeException e) {
            giveBack(lease.key(), holder.leaseId(), e);
            throw e;
        }
    }

    /** A grant whose Terraform lock could not be taken: released again (its counter stays spent). */
    private void giveBack(LockKey key, String leaseId, RuntimeException failure) {
        try {
            table.release(key, leaseId, LeaseOwner.ANYONE);
        } catch (RuntimeException e) {
            // The lease then runs out at its ttl; the caller hears of the first failure.
            if (failure != null) failure.addSuppressed(e);
            else throw e;
        }
    }

    /** Removes statelock's Terraform lock of an ended lease; one left by a failure here is the healer's. */
    private void dropMirror(LockRecord ended) {
        if (!terraform.covers(ended.key().value())) return;
        try {
            terraform.remove(ended.key(), TerraformMirror.id(ended.key(), ended.fenceCounter()));
        } catch (StoreUnavailableException e) {
            // The lease has ended in the table all the same; StaleLockHealer removes the lock at its next round.
        }
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner) {
        return table.heartbeat(key, leaseId, nowMs, ttlMs, owner);
    }

    @Override
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        ReleaseResult result = table.release(key, leaseId, owner);
        if (result instanceof ReleaseResult.Released released) dropMirror(released.previous());
        return result;
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        ForceReleaseResult result = table.forceRelease(key, expectedCounter);
        if (result instanceof ForceReleaseResult.Broken broken) dropMirror(broken.previous());
        return result;
    }

    @Override
    public Optional<LockRecord> get(LockKey key) {
        Optional<LockRecord> record = table.get(key);
        if (!terraform.covers(key.value())) return record;
        return terraform
                .read(key)
                .filter(plain -> !TerraformMirror.isMirror(plain))
                .map(plain -> plain.asRecord(counter(record)))
                .or(() -> record);
    }

    /**
     * The table's page with the plain runs' locks laid over it: a key both have shows the plain run's lock, and a key
     * only Terraform has goes on the page whose key range holds it (after the previous page's last key, up to this
     * page's last key, or anywhere after it on the last page), so paging visits every key once. The page token
     * carries the last key shown, ahead of the table's own token.
     */
    @Override
    public RecordPage list(String prefix, int limit, String pageToken) {
        if (!terraform.covers(prefix)) return table.list(prefix, limit, pageToken);
        String[] position = position(pageToken);
        String after = position[0];
        RecordPage page = table.list(prefix, limit, position[1]);
        Map<String, LockRecord> merged = new LinkedHashMap<>();
        page.records().forEach(r -> merged.put(r.key().value(), r));
        boolean lastPage = page.nextPageToken().isEmpty();
        String last = page.records().isEmpty()
                ? null
                : page.records().get(page.records().size() - 1).key().value();
        for (PlainRunLock plain : terraform.list(prefix)) {
            if (TerraformMirror.isMirror(plain)) continue; // statelock's own: the table's record shows that lease
            String k = plain.key().value();
            LockRecord mine = merged.get(k);
            boolean here =
                    mine != null || (k.compareTo(after) > 0 && (lastPage || (last != null && k.compareTo(last) < 0)));
            if (here) merged.put(k, plain.asRecord(counter(Optional.ofNullable(mine))));
        }
        List<LockRecord> records = new ArrayList<>(merged.values());
        records.sort(Comparator.comparing(r -> r.key().value()));
        if (lastPage) return new RecordPage(records, "");
        return new RecordPage(records, TOKEN + encode(last) + "." + page.nextPageToken());
    }

    private static final String TOKEN = "tf1.";

    /** {after, the table's token} from a token of {@link #list}; {"", ""} for the first page. */
    private static String[] position(String pageToken) {
        if (pageToken == null || pageToken.isEmpty()) return new String[] {"", ""};
        int dot = pageToken.indexOf('.', TOKEN.length());
        if (!pageToken.startsWith(TOKEN) || dot < 0) {
            throw InvalidArgumentException.of(
                    "page_token", "is not a token this service gave out: list again from the start");
        }
        try {
            String after = new String(
                    java.util.Base64.getUrlDecoder().decode(pageToken.substring(TOKEN.length(), dot)),
                    java.nio.charset.StandardCharsets.UTF_8);
            return new String[] {after, pageToken.substring(dot + 1)};
        } catch (IllegalArgumentException e) {
            throw InvalidArgumentException.of(
                    "page_token", "is not a token this service gave out: list again from the start");
        }
    }

    private static String encode(String key) {
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void checkReady() {
        table.checkReady();
    }

    private static long counter(Optional<LockRecord> record) {
        return record.map(LockRecord::fenceCounter).orElse(0L);
    }
}
