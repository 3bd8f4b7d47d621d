package io.statelock.adapter;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * Failures that are not the caller's doing (the lock or blob store failing, an unexpected error): the
 * caller gets a fixed text and an incident id, the log gets the id with the full cause (table and bucket
 * names, endpoints, the SDK's text), so an operator can find one from the other. Shared by the gRPC and
 * HTTP edges so both answer alike.
 */
public final class Incidents {
    private static final Logger LOG = Logger.getLogger(Incidents.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Said to a caller whose call failed in the store: retrying the same call is the right move. */
    public static final String STORE_UNAVAILABLE = "store unavailable, retry";
    /** Said to a caller whose call failed for a reason the service did not expect. */
    public static final String INTERNAL = "internal error";

    private Incidents() {}

    /**
     * Logs a store failure (WARN: its message and the chain of causes, no stack; an outage fails many calls
     * alike) and returns what the caller is told.
     */
    public static String storeUnavailable(Throwable cause) {
        String id = newId();
        LOG.warnf("store unavailable [incident %s]: %s", id, chain(cause));
        return STORE_UNAVAILABLE + " (incident " + id + ")";
    }

    /** Logs an unexpected failure (ERROR, with its stack) and returns what the caller is told. */
    public static String internal(String where, Throwable cause) {
        String id = newId();
        LOG.errorf(cause, "unexpected error in %s [incident %s]", where, id);
        return INTERNAL + " (incident " + id + ")";
    }

    /** {@code message; caused by Type: message; ...}: what an operator needs, on one line. */
    public static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable c = e.getCause();
        // At most 10 causes: a chain that loops back on itself still ends.
        for (int depth = 0; c != null && depth < 10; depth++, c = c.getCause()) {
            sb.append("; caused by ")
                    .append(c.getClass().getName())
                    .append(": ")
                    .append(c.getMessage());
        }
        return sb.toString();
    }

    /** A short random id: unique enough to find one log line among a day's. */
    public static String newId() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
