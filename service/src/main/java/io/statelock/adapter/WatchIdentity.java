package io.statelock.adapter;

import io.statelock.security.Caller;

/** Whose watch slots a stream takes, whichever edge opened it (gRPC Watch, the dashboard's event stream). */
public final class WatchIdentity {
    private WatchIdentity() {}

    /**
     * The token's subject; with authentication off, the remote host (all callers behind one proxy share it).
     *
     * @param peer {@code host:port}, the host possibly IPv6, or empty when unknown
     */
    public static String of(Caller caller, String peer) {
        if (!caller.anonymous()) return "subject " + caller.subject();
        int colon = peer.lastIndexOf(':');
        String host = colon > 0 ? peer.substring(0, colon) : peer;
        return "address " + (host.isEmpty() ? "unknown" : host);
    }
}
