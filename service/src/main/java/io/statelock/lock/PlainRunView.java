package io.statelock.lock;

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
 * The lock table as the lock use cases see it when some keys are Terraform S3 states: a key a plain Terraform run
 * has locked reads as held by that run (describe, list, watch), and an acquire of it is refused with that holder, so
 * a waiting acquire polls the key once per interval until the run's lock goes away. Every other key, and every
 * write, goes to the table unchanged.
 */
public final class PlainRunView implements LockTable {
    private final LockTable table;
    private final TerraformLocks terraform;

    public PlainRunView(LockTable table, TerraformLocks terraform) {
        this.table = table;
        this.terraform = terraform;
    }

    @Override
    public AcquireResult acquire(NewLease lease, long takeoverBeforeMs) {
        if (terraform.covers(lease.key().value())) {
            Optional<PlainRunLock> plain = terraform.read(lease.key());
            if (plain.isPresent()) {
                return new AcquireResult.Held(plain.get().asRecord(counter(table.get(lease.key()))));
            }
        }
        return table.acquire(lease, takeoverBeforeMs);
    }

    @Override
    public HeartbeatResult heartbeat(LockKey key, String leaseId, long nowMs, long ttlMs, LeaseOwner owner) {
        return table.heartbeat(key, leaseId, nowMs, ttlMs, owner);
    }

    @Override
    public ReleaseResult release(LockKey key, String leaseId, LeaseOwner owner) {
        return table.release(key, leaseId, owner);
    }

    @Override
    public ForceReleaseResult forceRelease(LockKey key, long expectedCounter) {
        return table.forceRelease(key, expectedCounter);
    }

    @Override
    public Optional<LockRecord> get(LockKey key) {
        Optional<LockRecord> record = table.get(key);
        if (!terraform.covers(key.value())) return record;
        return terraform.read(key).map(plain -> plain.asRecord(counter(record))).or(() -> record);
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
        String last = page.records().isEmpty() ? null : page.records().get(page.records().size() - 1).key().value();
        for (PlainRunLock plain : terraform.list(prefix)) {
            String k = plain.key().value();
            LockRecord mine = merged.get(k);
            boolean here = mine != null
                    || (k.compareTo(after) > 0 && (lastPage || (last != null && k.compareTo(last) < 0)));
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
            throw InvalidArgumentException.of("page_token", "is not a token this service gave out: list again from the start");
        }
        try {
            String after = new String(java.util.Base64.getUrlDecoder().decode(pageToken.substring(TOKEN.length(), dot)),
                    java.nio.charset.StandardCharsets.UTF_8);
            return new String[] {after, pageToken.substring(dot + 1)};
        } catch (IllegalArgumentException e) {
            throw InvalidArgumentException.of("page_token", "is not a token this service gave out: list again from the start");
        }
    }

    private static String encode(String key) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
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
