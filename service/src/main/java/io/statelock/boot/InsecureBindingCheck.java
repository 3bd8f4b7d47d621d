package io.statelock.boot;

import io.quarkus.runtime.StartupEvent;
import io.statelock.security.AccessGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Refuses to start with authentication off on a non-loopback address, unless told explicitly
 * ({@code statelock.auth.allow-insecure=true}), and then says so loudly. Also builds the access
 * guard at start-up so a bad key location or policy file fails the start, not the first call.
 */
@ApplicationScoped
public class InsecureBindingCheck {
    private static final Logger LOG = Logger.getLogger(InsecureBindingCheck.class);

    void check(
            @Observes StartupEvent event,
            StatelockConfig config,
            AccessGuard guard,
            @ConfigProperty(name = "quarkus.http.host") String host) {
        if (guard.enabled()) return;
        if (isLoopback(host)) return;
        if (!config.auth().allowInsecure()) {
            throw new IllegalStateException(
                    "refusing to start: quarkus.http.host=" + host + " is not a loopback address"
                            + " and statelock.auth.mode=none; set statelock.auth.mode=jwt (see docs/security.md), or"
                            + " statelock.auth.allow-insecure=true if something in front of statelock authenticates callers");
        }
        LOG.warnf(
                "INSECURE: authentication is off (statelock.auth.mode=none) on %s, reachable from the network:"
                        + " anyone who can connect can take, break and read every lock",
                host);
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) return false;
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
