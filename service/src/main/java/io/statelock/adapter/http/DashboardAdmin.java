package io.statelock.adapter.http;

import io.statelock.adapter.ForceRelease;
import io.statelock.audit.AuditEntry;
import io.statelock.audit.AuditPage;
import io.statelock.audit.AuditTrail;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.lock.LockCoordinator;
import io.statelock.security.Operation;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The dashboard's admin calls: force release (audited as over gRPC) and the audit trail, newest first. */
@ApplicationScoped
public class DashboardAdmin {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DashboardAdmin.class);
    private static final Set<String> FORCE_RELEASE_FIELDS =
            Set.of("key", "reason", "expectedFencingToken", "terraformLockId");
    private static final Set<String> ROLLBACK_FIELDS = Set.of("key", "toVersion");
    /** Store pages one answer reads past other keys' records to find a key's own. */
    private static final int KEY_AUDIT_PAGES = 10;
    /**
     * The lease a dashboard rollback takes for itself: a rollback writes one new version that points at the old
     * version's bytes (nothing is copied), so a minute outlasts it by far; it is released right after.
     */
    private static final java.time.Duration ROLLBACK_TTL = java.time.Duration.ofMinutes(1);

    @Inject
    LockCoordinator locks;

    @Inject
    AuditTrail audit;

    @Inject
    UiAccess access;

    @Inject
    io.statelock.state.StateCoordinator states;

    @Inject
    Clock clock;

    private ForceRelease forceRelease;

    @PostConstruct
    void init() {
        forceRelease = new ForceRelease(locks, audit);
    }

    /**
     * {@code {"key", "reason", "expectedFencingToken"}} breaks that lease only (0: whichever holds the key);
     * with {@code "terraformLockId"}, a plain Terraform run's lock. Needs the admin role on the key.
     */
    void forceRelease(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiBody.read(ctx, FORCE_RELEASE_FIELDS)
                .onSuccess(body -> UiCalls.answer(ctx, () -> {
                    LockKey key = new LockKey(body.text("key"));
                    // The caller first, as over gRPC: a refused caller is audited whatever else the body says.
                    UiAccess.Checked who = access.require(req, Operation.FORCE_RELEASE, key.value());
                    String reason = body.text("reason");
                    long expected = body.number("expectedFencingToken");
                    String terraformLockId = body.optionalText("terraformLockId");
                    LockCoordinator.ForceReleaseOutcome outcome =
                            forceRelease.run(who.caller(), who.peer(), key, reason, expected, terraformLockId);
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("released", outcome.released());
                    answer.put("previous", UiJson.lock(outcome.previous(), 0, false));
                    answer.put("serverTimeMs", clock.millis());
                    return answer;
                }));
    }

    /**
     * {@code {"key", "toVersion"}} makes that version current again, as a new version. A rollback needs the key's
     * lease: the dashboard takes one for the admin (refused with the holder while anyone holds the key: break or wait
     * for it first), rolls back and releases. The grant, the rollback and the release are audited as over gRPC.
     */
    void rollback(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiBody.read(ctx, ROLLBACK_FIELDS)
                .onSuccess(body -> UiCalls.answer(ctx, () -> {
                    LockKey key = new LockKey(body.text("key"));
                    UiAccess.Checked who = access.require(req, Operation.ROLLBACK, key.value());
                    // Checked before the lease is taken: a mistyped version moves no fence and blocks nobody.
                    String toVersion = states.version(key, "toVersion", Long.toString(body.number("toVersion")))
                            .version();
                    io.statelock.lock.Lease lease = locks.acquire(
                                    rollbackCommand(who, key, toVersion), java.time.Duration.ZERO)
                            .join();
                    audit.granted(who.caller(), who.peer(), lease);
                    io.statelock.state.StateVersion written;
                    try {
                        written = states.rollback(key, lease.leaseId(), lease.fencingToken(), toVersion);
                        // Destructive: stored before the answer.
                        audit.rolledBack(
                                who.caller(),
                                who.peer(),
                                key.value(),
                                lease.fencingToken(),
                                toVersion,
                                written.version());
                    } finally {
                        release(who, key, lease);
                    }
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("version", UiJson.version(written, states.fences()));
                    answer.put("serverTimeMs", clock.millis());
                    return answer;
                }));
    }

    private io.statelock.lock.AcquireCommand rollbackCommand(UiAccess.Checked who, LockKey key, String toVersion) {
        io.statelock.lock.LockSettings settings = locks.settings();
        java.time.Duration ttl = ROLLBACK_TTL;
        if (ttl.compareTo(settings.maxTtl()) > 0) ttl = settings.maxTtl();
        if (ttl.compareTo(settings.minTtl()) < 0) ttl = settings.minTtl();
        return new io.statelock.lock.AcquireCommand(
                key,
                access.ownerFor(who.caller(), "dashboard"),
                ttl,
                new io.statelock.lock.LockInfo(
                        "rollback", "dashboard", "", "", "rollback to version " + toVersion, Map.of()),
                "");
    }

    /**
     * The rollback's own lease, released whatever happened: a release that fails leaves the lease to expire at its
     * ttl, and the caller hears how the rollback went, not of the release.
     */
    private void release(UiAccess.Checked who, LockKey key, io.statelock.lock.Lease lease) {
        try {
            LockCoordinator.ReleaseOutcome released =
                    locks.releaseLease(key, lease.leaseId(), io.statelock.lock.LeaseOwner.ANYONE);
            audit.released(who.caller(), who.peer(), key.value(), released.released(), released.previous(), "");
        } catch (RuntimeException e) {
            LOG.warnf(
                    "the dashboard's rollback lease on %s was not released (%s): it expires at its ttl",
                    key.value(), io.statelock.adapter.Incidents.chain(e));
        }
    }

    /**
     * Audit records under a prefix in {@code [since, until]} (epoch ms), newest first, paged. Admin on the prefix,
     * then per record on its key, as over gRPC; a page token moves past the records left out.
     */
    void audit(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiCalls.answer(ctx, () -> {
            // One key's records (its page), or every key under a prefix.
            String key = UiCalls.param(req, "key");
            String prefix = key.isEmpty() ? UiCalls.param(req, "prefix") : new LockKey(key).value();
            UiAccess.Checked who = access.require(req, Operation.AUDIT, AuditEntry.scopeOf(prefix));
            long since = millis(req, "since", 0);
            long until = millis(req, "until", Long.MAX_VALUE);
            int size = UiCalls.pageSize(req);
            String token = UiCalls.param(req, "pageToken");
            List<Map<String, Object>> records = new java.util.ArrayList<>();
            // A key's records are its prefix's records of that key alone: other keys that share the prefix
            // (team/net, team/network) are read past, a few store pages at most per answer.
            for (int read = 0; read < (key.isEmpty() ? 1 : KEY_AUDIT_PAGES); read++) {
                AuditPage page = audit.query(prefix, since, until, size, token, true);
                page.entries().stream()
                        .filter(e -> key.isEmpty() || e.key().equals(key))
                        .filter(e -> access.allows(who.caller(), Operation.AUDIT, AuditEntry.scopeOf(e.key())))
                        .map(UiJson::audit)
                        .forEach(records::add);
                token = page.nextPageToken();
                if (token.isEmpty() || !records.isEmpty()) break;
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("records", records);
            answer.put("nextPageToken", token);
            answer.put("serverTimeMs", clock.millis());
            return answer;
        });
    }

    private static long millis(HttpServerRequest req, String name, long absent) {
        String value = req.getParam(name);
        if (value == null || value.isEmpty()) return absent;
        if (!value.matches("\\d{1,15}"))
            throw InvalidArgumentException.of(name, "must be epoch milliseconds, got " + value);
        return Long.parseLong(value);
    }
}
