package io.statelock.cli;

import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import io.statelock.client.Tokens;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** Where the service is and how to talk to it; a mixin shared by every command. */
final class Connection {
    @Option(
            names = "--addr",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:STATELOCK_ADDR:-localhost:8080}",
            description = "Service address (env STATELOCK_ADDR; default: ${DEFAULT-VALUE}).")
    String addr;

    @Option(
            names = "--plaintext",
            description = "Plaintext HTTP/2, no TLS (env STATELOCK_PLAINTEXT=true). Default: plaintext for "
                    + "loopback addresses without a CA file, TLS otherwise.")
    boolean plaintext;

    @Option(names = "--tls", description = "Force TLS even for a loopback address.")
    boolean tls;

    @Option(
            names = "--ca-file",
            paramLabel = "PEM",
            defaultValue = "${env:STATELOCK_CA_FILE}",
            description = "CA certificate(s) to trust for TLS (env STATELOCK_CA_FILE).")
    Path caFile;

    @Option(
            names = "--client-cert",
            paramLabel = "PEM",
            defaultValue = "${env:STATELOCK_CLIENT_CERT}",
            description = "Client certificate (chain) for mutual TLS (env STATELOCK_CLIENT_CERT); needs --client-key.")
    Path clientCert;

    @Option(
            names = "--client-key",
            paramLabel = "PEM",
            defaultValue = "${env:STATELOCK_CLIENT_KEY}",
            description = "Unencrypted private key of --client-cert, PKCS#8 or PKCS#1 RSA (env STATELOCK_CLIENT_KEY).")
    Path clientKey;

    @Option(
            names = "--token",
            paramLabel = "JWT",
            description =
                    "Bearer token (env STATELOCK_TOKEN). Visible in `ps`: prefer the environment or --token-file.")
    String token;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "File holding the bearer token, re-read on every call so a rotated token is used "
                    + "(env STATELOCK_TOKEN_FILE).")
    Path tokenFile;

    @Option(
            names = "--audience",
            paramLabel = "AUD",
            defaultValue = "${env:STATELOCK_AUDIENCE:-statelock}",
            description =
                    "Audience of the GitHub Actions OIDC token the CLI requests when no other token is "
                            + "given and ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN are set (env STATELOCK_AUDIENCE; default: ${DEFAULT-VALUE}).")
    String audience;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = Durations.class,
            description = "Deadline of each call to the service (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(
            names = "--retry-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = Durations.class,
            description = "How long to retry an unreachable service before giving up with exit 69 "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration retryTimeout;

    /** The address the last client was built for (for error messages). */
    static volatile String lastTarget;
    /** Where the token came from (e.g. "STATELOCK_TOKEN"), null for none: for error messages. */
    static volatile String lastTokenSource;

    /** Whether the last connect() chose TLS. */
    private boolean secure;
    /** The token source the last connect() chose; null: none. */
    private Supplier<String> tokens;

    /** The service's HTTP base URL as the last connect() reached it (same port as gRPC). */
    String httpBase() {
        return (secure ? "https://" : "http://") + addr;
    }

    /** The bearer token now (re-read from its source), or null when the CLI has none. */
    String currentToken() {
        return tokens == null ? null : tokens.get();
    }

    StatelockClient connect() {
        if (plaintext && (tls || caFile != null && !isBlank(caFile.toString()))) {
            throw new UsageException("--plaintext cannot be combined with --tls or a CA file");
        }
        String target = addr.strip();
        // Accept http://host:port (plaintext) and https://host:port (TLS) as well as host:port.
        if (target.startsWith("http://")) {
            target = stripPath(target.substring("http://".length()));
            if (!tls && (caFile == null || isBlank(caFile.toString()))) {
                plaintext = true;
            }
        } else if (target.startsWith("https://")) {
            target = stripPath(target.substring("https://".length()));
            if (!plaintext) {
                tls = true;
            }
        }
        if (target.isEmpty()) {
            throw new UsageException("empty service address (--addr or STATELOCK_ADDR)");
        }
        addr = target;
        lastTarget = target;
        StatelockClient.Builder b =
                StatelockClient.builder().target(target).callTimeout(timeout).retryTimeout(retryTimeout);
        tokens = tokenSource(System.getenv());
        lastTokenSource = tokens == null ? null : tokens.toString();
        if (tokens != null) {
            b.bearerToken(tokens);
        }
        boolean envPlain = "true".equalsIgnoreCase(System.getenv("STATELOCK_PLAINTEXT"))
                || "1".equals(System.getenv("STATELOCK_PLAINTEXT"));
        boolean hasCa = caFile != null && !isBlank(caFile.toString());
        boolean hasCert = clientCert != null && !isBlank(clientCert.toString());
        boolean hasKey = clientKey != null && !isBlank(clientKey.toString());
        if (hasCert != hasKey) {
            throw new UsageException("a client certificate needs both --client-cert and --client-key "
                    + "(STATELOCK_CLIENT_CERT and STATELOCK_CLIENT_KEY)");
        }
        if (hasCert && plaintext) {
            throw new UsageException("--plaintext cannot be combined with a client certificate");
        }
        secure = true;
        if (plaintext || (envPlain && !tls && !hasCa && !hasCert)) {
            b.plaintext();
            secure = false;
        } else if (hasCa) {
            if (!Files.isReadable(caFile)) {
                throw new UsageException("CA file " + caFile + " is not readable");
            }
            b.tls(caFile);
        } else if (tls || hasCert || !isLoopback(addr)) {
            b.tls();
        } else {
            b.plaintext();
            secure = false;
        }
        if (hasCert) {
            for (Path p : new Path[] {clientCert, clientKey}) {
                if (!Files.isReadable(p)) {
                    throw new UsageException("client certificate file " + p + " is not readable");
                }
            }
            b.clientCertificate(clientCert, clientKey);
        }
        try {
            return b.build();
        } catch (StatelockException e) {
            if ("CLIENT".equals(e.code())) {
                throw new UsageException(e.getMessage());
            }
            throw e;
        }
    }

    /**
     * Where the bearer token comes from, first match wins: --token, --token-file (not both), then
     * STATELOCK_TOKEN, STATELOCK_TOKEN_FILE (not both), then GitHub Actions OIDC; null: no token.
     */
    Supplier<String> tokenSource(Map<String, String> env) {
        if (token != null && tokenFile != null) {
            throw new UsageException("--token and --token-file cannot be combined");
        }
        if (token != null) {
            return named(Tokens.of(token), "--token");
        }
        if (tokenFile != null) {
            return Tokens.file(tokenFile);
        }
        String envToken = env.get("STATELOCK_TOKEN");
        String envFile = env.get("STATELOCK_TOKEN_FILE");
        boolean hasEnvToken = envToken != null && !envToken.isBlank();
        boolean hasEnvFile = envFile != null && !envFile.isBlank();
        if (hasEnvToken && hasEnvFile) {
            throw new UsageException("STATELOCK_TOKEN and STATELOCK_TOKEN_FILE are both set; set only one");
        }
        if (hasEnvToken) {
            return named(Tokens.of(envToken), "STATELOCK_TOKEN");
        }
        if (hasEnvFile) {
            return Tokens.file(Path.of(envFile.strip()));
        }
        return Tokens.githubActions(env, audience);
    }

    private static Supplier<String> named(Supplier<String> s, String name) {
        return new Supplier<>() {
            @Override
            public String get() {
                return s.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static String stripPath(String s) {
        int slash = s.indexOf('/');
        return slash < 0 ? s : s.substring(0, slash);
    }

    static boolean isLoopback(String addr) {
        String host;
        try {
            host = URI.create("//" + addr.strip()).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(java.util.Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
