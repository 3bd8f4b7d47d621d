package io.statelock.adapter.health;

import io.statelock.adapter.Incidents;
import org.jboss.logging.Logger;

/**
 * What a readiness check that is DOWN shows as its reason. {@code /q/health} shares the service's port, so
 * whoever can call the API can read it: it says which store failed and an incident id, never table or bucket
 * names, endpoints or SDK text. The log has the full cause under that id, written once per distinct cause
 * (probes come every few seconds; an outage would otherwise repeat the same line).
 */
final class DownReason {
    private static final Logger LOG = Logger.getLogger(DownReason.class);

    private final String what;
    private String lastFailure; // guarded by this: the failure last logged (its message), and its incident id
    private String lastId;

    /** @param what the public reason, e.g. {@code lock store unavailable} */
    DownReason(String what) {
        this.what = what;
    }

    synchronized String of(Throwable e) {
        // A new failure gets a new incident and one log line; the same one keeps its id, unlogged. Judged by the
        // adapter's own message: the SDK's text below it changes with every call (its request id).
        String failure = String.valueOf(e.getMessage());
        if (!failure.equals(lastFailure)) {
            lastFailure = failure;
            lastId = Incidents.newId();
            LOG.warnf("readiness: %s [incident %s]: %s", what, lastId, Incidents.chain(e));
        }
        return what + " (incident " + lastId + "; the cause is in the service log)";
    }
}
