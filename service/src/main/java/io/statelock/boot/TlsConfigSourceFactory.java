package io.statelock.boot;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns {@code statelock.tls.cert}/{@code key} (PEM files) into the Quarkus TLS settings of the one
 * HTTP/gRPC server, closes the plain port when TLS is on, and requires client certificates signed
 * by {@code statelock.tls.client-ca} when that is set (mTLS).
 */
public class TlsConfigSourceFactory implements ConfigSourceFactory {
    /** Below application.properties (250), so an explicit quarkus.* setting still wins. */
    private static final int ORDINAL = 240;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String cert = value(context, "statelock.tls.cert");
        String key = value(context, "statelock.tls.key");
        if (cert == null && key == null) return List.of();
        if (cert == null || key == null) {
            throw new IllegalStateException("TLS needs both statelock.tls.cert and statelock.tls.key (PEM files)");
        }
        Map<String, String> props = new HashMap<>();
        props.put("quarkus.tls.key-store.pem.statelock.cert", cert);
        props.put("quarkus.tls.key-store.pem.statelock.key", key);
        // TLS on means the plain port is closed: no lease id or token ever crosses the network in clear.
        props.put("quarkus.http.insecure-requests", "disabled");
        String clientCa = value(context, "statelock.tls.client-ca");
        if (clientCa != null) {
            props.put("quarkus.tls.trust-store.pem.certs", clientCa);
            props.put("quarkus.http.ssl.client-auth", "required");
        }
        return List.of(new PropertiesConfigSource(props, "statelock-tls", ORDINAL));
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue();
    }
}
