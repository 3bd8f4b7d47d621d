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
    private static final Set<String> FORCE_RELEASE_FIELDS =
            Set.of("key", "reason", "expectedFencingToken", "terraformLockId");

    @Inject
    LockCoordinator locks;

    @Inject
    AuditTrail audit;

    @Inject
    UiAccess access;

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
                .onSuccess(body -> DashboardRoutes.answer(ctx, () -> {
                    LockKey key = new LockKey(body.text("key"));
                    String reason = body.text("reason");
                    long expected = body.number("expectedFencingToken");
                    String terraformLockId = body.optionalText("terraformLockId");
                    UiAccess.Checked who = access.require(req, Operation.FORCE_RELEASE, key.value());
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
     * Audit records under a prefix in {@code [since, until]} (epoch ms), newest first, paged. Admin on the prefix,
     * then per record on its key, as over gRPC; a page token moves past the records left out.
     */
    void audit(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        DashboardRoutes.answer(ctx, () -> {
            String prefix = DashboardRoutes.param(req, "prefix");
            UiAccess.Checked who = access.require(req, Operation.AUDIT, AuditEntry.scopeOf(prefix));
            AuditPage page = audit.query(
                    prefix,
                    millis(req, "since", 0),
                    millis(req, "until", Long.MAX_VALUE),
                    DashboardRoutes.pageSize(req),
                    DashboardRoutes.param(req, "pageToken"),
                    true);
            List<Map<String, Object>> records = page.entries().stream()
                    .filter(e -> access.allows(who.caller(), Operation.AUDIT, AuditEntry.scopeOf(e.key())))
                    .map(UiJson::audit)
                    .toList();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("records", records);
            answer.put("nextPageToken", page.nextPageToken());
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
