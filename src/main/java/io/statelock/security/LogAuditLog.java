package io.statelock.security;

import io.statelock.lock.AuditLog;
import io.statelock.lock.LockKey;
import io.statelock.lock.LockStatus;
import org.jboss.logging.Logger;

/** Audit lines on the {@code statelock.audit} log category, written before the call is answered. */
public final class LogAuditLog implements AuditLog {
    private static final Logger AUDIT = Logger.getLogger("statelock.audit");

    @Override
    public void forceRelease(LockKey key, LockStatus previous, String reason, boolean released) {
        AUDIT.infof("force-release key=%s released=%s previous_owner=%s previous_operation=%s previous_fence=%d"
                        + " previous_lease_hint=%s reason=%s",
                key, released, quote(previous.owner()), quote(previous.info().operation()), previous.fencingToken(),
                previous.leaseIdHint(), quote(reason));
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
