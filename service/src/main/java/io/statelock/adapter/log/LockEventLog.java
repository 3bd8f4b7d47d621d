package io.statelock.adapter.log;

import io.quarkus.runtime.StartupEvent;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockEvents;
import io.statelock.lock.LockStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One log line per lock event of this replica on the {@code statelock.events} category, with the key,
 * lease hint, fence and holder as MDC fields (separate fields in the JSON log of a deployment). The
 * lease id itself and tokens are never logged: only the hint, which cannot be used as a lease.
 * Expirations (a takeover) and forced releases are logged at INFO; acquires, releases and renewals at
 * DEBUG, as every acquire and release already has its INFO line on {@code statelock.audit} (key, owner,
 * fence, outcome): a second synchronous line per call cost CPU on the busiest path and told nothing new.
 */
@ApplicationScoped
public class LockEventLog {
    private static final Logger LOG = Logger.getLogger("statelock.events");

    void start(@Observes StartupEvent ignored, LockEvents events) {
        events.subscribe(key -> true, LockEventLog::log);
    }

    static void log(LockEvent event) {
        if (event.type() == LockEvent.Type.SNAPSHOT) {
            return;
        }
        Logger.Level level = switch (event.type()) {
            case EXPIRED, FORCE_RELEASED -> Logger.Level.INFO;
            default -> Logger.Level.DEBUG;
        };
        if (!LOG.isEnabled(level)) {
            return;
        }
        LockStatus s = event.status();
        MDC.put("event", event.type().name());
        MDC.put("key", s.key().toString());
        MDC.put("fence", Long.toString(s.fencingToken()));
        MDC.put("leaseHint", s.leaseIdHint() == null ? "" : s.leaseIdHint());
        MDC.put("owner", s.owner() == null ? "" : s.owner());
        MDC.put(
                "operation",
                s.info() == null || s.info().operation() == null ? "" : s.info().operation());
        try {
            LOG.logf(
                    level,
                    "%s key=%s fence=%d lease_hint=%s owner=%s",
                    event.type(),
                    s.key(),
                    s.fencingToken(),
                    s.leaseIdHint(),
                    s.owner());
        } finally {
            MDC.remove("event");
            MDC.remove("key");
            MDC.remove("fence");
            MDC.remove("leaseHint");
            MDC.remove("owner");
            MDC.remove("operation");
        }
    }
}
