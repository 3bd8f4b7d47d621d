package io.statelock.adapter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's JSON. Times are epoch milliseconds on the service's clock, and every answer carries
 * {@code serverTimeMs} so the page counts down on the service's clock, not the browser's. Never a lease id.
 */
final class UiJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UiJson() {}

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the dashboard's JSON", e);
        }
    }

    static String error(String code, String message) {
        return write(Map.of("code", code, "message", message == null ? "" : message));
    }

    /**
     * One row of the locks table. A plain Terraform run's lock has no expiry ({@code expiresAtMs} null, {@code
     * plainRun} true); a free key has no holder.
     */
    static Map<String, Object> lock(LockStatus s, int waiters, boolean canForceRelease) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", s.key().value());
        row.put("held", s.held());
        boolean plainRun = s.held() && s.expiresAtMs() == LockRecord.NO_EXPIRY;
        row.put("plainRun", plainRun);
        row.put("owner", s.owner());
        row.put("who", s.info().who());
        row.put("operation", s.info().operation());
        row.put("info", s.info().info());
        row.put("path", s.info().path());
        row.put("version", s.info().version());
        row.put("labels", s.info().labels());
        row.put("fencingToken", s.fencingToken());
        row.put("acquiredAtMs", s.held() ? s.acquiredAtMs() : null);
        row.put("expiresAtMs", s.held() && !plainRun ? s.expiresAtMs() : null);
        row.put("leaseIdHint", s.leaseIdHint());
        row.put("waiters", waiters);
        row.put("canForceRelease", canForceRelease);
        return row;
    }

    /** One audit record: who (subject and claims, never a token), what, on which key, with what outcome. */
    static Map<String, Object> audit(io.statelock.audit.AuditEntry e) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("atMs", e.atMs());
        r.put("id", e.id());
        r.put("action", e.action());
        r.put("key", e.key());
        r.put("subject", e.subject());
        r.put("claims", e.claims());
        r.put("outcome", e.outcome());
        r.put("previousOwner", e.previousOwner());
        r.put("previousFencingToken", e.previousFencingToken());
        r.put("fencingToken", e.fencingToken());
        r.put("reason", e.reason());
        r.put("peer", e.peer());
        return r;
    }

    /** One caller in a key's queue on this replica: place, owner, why, since when. */
    static Map<String, Object> waiter(io.statelock.lock.QueuedCaller w) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("position", w.position());
        r.put("owner", w.owner());
        r.put("who", w.info().who());
        r.put("operation", w.info().operation());
        r.put("sinceMs", w.sinceMs());
        return r;
    }

    /** One state version: what it is (serial, lineage, size, digest) and who wrote it under which fence, when. */
    static Map<String, Object> version(io.statelock.state.StateVersion v, io.statelock.lock.FencingTokens fences) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("version", v.version());
        r.put("serial", v.serial() < 0 ? null : v.serial());
        r.put("lineage", v.lineage());
        r.put("size", v.size());
        r.put("sha256", v.sha256());
        r.put("fencingToken", fences.token(v.fenceCounter()));
        r.put("writtenBy", v.writtenBy());
        r.put("writtenAtMs", v.writtenAtMs());
        r.put("tombstone", v.tombstone());
        r.put("terraform", v.isTerraform());
        return r;
    }

    static Map<String, Object> event(LockEvent event, Map<String, Object> row, long nowMs) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", event.type().name());
        e.put("atMs", event.atMs());
        e.put("serverTimeMs", nowMs);
        e.put("lock", row);
        return e;
    }
}
