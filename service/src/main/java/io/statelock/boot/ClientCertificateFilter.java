package io.statelock.boot;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * mTLS: with {@code statelock.tls.client-ca} set, every request (gRPC and HTTP) must come over TLS
 * with a client certificate that the handshake verified against that CA. The server only requests
 * certificates during the handshake (client-auth is fixed at build time), so it is enforced here.
 */
@ApplicationScoped
public class ClientCertificateFilter {
    private static final Logger LOG = Logger.getLogger(ClientCertificateFilter.class);

    void register(@Observes Filters filters, StatelockConfig config) {
        if (config.tls().clientCa().isEmpty()) return;
        LOG.info("mTLS: client certificates signed by statelock.tls.client-ca are required");
        filters.register(
                rc -> {
                    SSLSession session = rc.request().isSSL() ? rc.request().sslSession() : null;
                    if (session == null || !hasPeerCertificate(session)) {
                        rc.response()
                                .setStatusCode(401)
                                .putHeader("content-type", "text/plain")
                                .end("client certificate required (mTLS)\n");
                        return;
                    }
                    rc.next();
                },
                1000); // before any route: nothing is served to a client without a certificate
    }

    private static boolean hasPeerCertificate(SSLSession session) {
        try {
            return session.getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
