package io.statelock.adapter.http;

import io.statelock.security.AccessGuard;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * With authentication off, the HTTP routes a browser can reach (the dashboard, the Terraform backend) answer only
 * to a loopback name in {@code Host}: a web page elsewhere could otherwise rebind its own host name to 127.0.0.1
 * and, being same-origin with the service then, read state or break locks from the operator's browser. Under jwt
 * such a page has no token; with {@code statelock.auth.allow-insecure} what is in front of statelock decides.
 */
@ApplicationScoped
public class LoopbackHosts {
    @Inject
    AccessGuard guard;

    @ConfigProperty(name = "statelock.auth.allow-insecure", defaultValue = "false")
    boolean allowInsecure;

    /** What a refused request is told. */
    static final String REFUSAL = "with authentication off statelock's HTTP routes answer only on a loopback name:"
            + " use http://127.0.0.1:<port>/ or http://localhost:<port>/";

    boolean allowed(HttpServerRequest req) {
        if (guard.enabled() || allowInsecure) return true;
        io.vertx.core.net.HostAndPort authority = req.authority();
        if (authority == null) return false;
        String host = authority.host().toLowerCase(Locale.ROOT);
        return host.equals("localhost")
                || host.equals("[::1]")
                || host.equals("::1")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
