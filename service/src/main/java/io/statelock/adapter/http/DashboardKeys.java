package io.statelock.adapter.http;

import io.statelock.adapter.terraform.TerraformStateDiff;
import io.statelock.common.LockKey;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockStatus;
import io.statelock.lock.QueuedCaller;
import io.statelock.security.Operation;
import io.statelock.state.StateCoordinator;
import io.statelock.state.StateRead;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The dashboard's view of one key: its holder and wait queue, its state versions, a diff between two of them. */
@ApplicationScoped
public class DashboardKeys {
    @Inject
    LockCoordinator locks;

    @Inject
    StateCoordinator states;

    @Inject
    UiAccess access;

    @Inject
    Clock clock;

    /**
     * Comparisons running at once on this replica: each copies two versions to disk and reads them through, so
     * a few readers cannot take every worker thread and disk's attention from the lock calls.
     */
    private final java.util.concurrent.Semaphore diffs = new java.util.concurrent.Semaphore(2);

    /** The holder, the queue on this replica and a page of versions, newest first; a reading role on the key. */
    void key(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiCalls.answer(ctx, () -> {
            LockKey key = new LockKey(UiCalls.param(req, "key"));
            UiAccess.Checked who = access.require(req, Operation.DESCRIBE, key.value());
            access.require(req, Operation.LIST_VERSIONS, key.value());
            LockStatus status = locks.describe(key);
            List<QueuedCaller> queue = locks.waiters(key);
            StateCoordinator.VersionPage versions =
                    states.versions(key, UiCalls.pageSize(req), UiCalls.param(req, "pageToken"));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put(
                    "lock",
                    UiJson.lock(
                            status, queue.size(), access.allows(who.caller(), Operation.FORCE_RELEASE, key.value())));
            answer.put("waiters", queue.stream().map(UiJson::waiter).toList());
            answer.put(
                    "versions",
                    versions.versions().stream()
                            .map(v -> UiJson.version(v, states.fences()))
                            .toList());
            answer.put("nextPageToken", versions.nextPageToken());
            answer.put("canRollback", access.allows(who.caller(), Operation.ROLLBACK, key.value()));
            answer.put("canAudit", access.allows(who.caller(), Operation.AUDIT, key.value()));
            answer.put("serverTimeMs", clock.millis());
            return answer;
        });
    }

    /** Resources added, removed and changed from version {@code from} to {@code to}; a reading role on the state. */
    void diff(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        UiCalls.answer(ctx, () -> {
            LockKey key = new LockKey(UiCalls.param(req, "key"));
            access.require(req, Operation.GET_STATE, key.value());
            String from = UiCalls.param(req, "from");
            String to = UiCalls.param(req, "to");
            required("from", from);
            required("to", to);
            if (!diffs.tryAcquire()) {
                throw new io.statelock.common.TooManyWaitersException(
                        "two comparisons are running on this replica: try again in a moment");
            }
            try (StateRead before = states.read(key, from);
                    StateRead after = states.read(key, to)) {
                TerraformStateDiff.Diff diff = TerraformStateDiff.between(
                        before.bytes().file(), after.bytes().file());
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("from", UiJson.version(before.version(), states.fences()));
                answer.put("to", UiJson.version(after.version(), states.fences()));
                answer.put("added", diff.added());
                answer.put("removed", diff.removed());
                answer.put("changed", diff.changed());
                answer.put("unchanged", diff.unchanged());
                return answer;
            } finally {
                diffs.release();
            }
        });
    }

    private static String required(String field, String value) {
        if (value.isEmpty()) throw io.statelock.common.InvalidArgumentException.of(field, "must name a version");
        return value;
    }
}
