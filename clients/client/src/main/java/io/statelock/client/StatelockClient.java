package io.statelock.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A client of the statelock {@code LockService} and {@code StateService}, in three parts: {@link
 * #locks()} (leases), {@link #state()} (fenced state, streamed) and {@link #admin()} (describe,
 * list, watch, audit, force-release). Thread-safe; create one per process and {@link #close()} it at
 * the end (closing it does not release open leases: close those first).
 *
 * <pre>{@code
 * static final AcquireOptions APPLY = AcquireOptions.builder()
 *     .ttl(Duration.ofSeconds(30)).waitTimeout(Duration.ofMinutes(10)).operation("apply").build();
 *
 * try (StatelockClient client = StatelockClient.builder().target("localhost:8080").plaintext().build();
 *      Lease lease = client.locks().acquire("prod/network", APPLY)) {
 *   lease.onLost(e -> abortWork());
 *   client.state().put(lease, Path.of("terraform.tfstate"));
 * }
 * }</pre>
 *
 * <p>Options objects are meant to be shared: every acquire is a new one with its own request id,
 * whichever thread makes it and however often the same options are passed.
 *
 * <p>Every call has a deadline ({@link Builder#callTimeout}); {@code UNAVAILABLE} is retried with
 * exponential backoff and jitter for up to {@link Builder#retryTimeout} (each attempt of one acquire
 * call carries that call's request id, so a retry cannot lock itself out), except state writes,
 * which are never retried.
 */
public interface StatelockClient extends AutoCloseable {

    /** Leases: acquire (also async and as {@code withLock}), renew and release by id, validate a fence. */
    Locks locks();

    /** Fenced state of the keys: put and get as streams, files or (small ones) bytes. */
    States state();

    /** Operators' calls: describe, list, watch, audit, force-release. */
    Admin admin();

    /** Shuts the channel down. */
    @Override
    void close();

    static Builder builder() {
        return new Builder();
    }

    /** Connection settings. */
    final class Builder {
        String target = "localhost:8080";
        boolean plaintext;
        Path caFile;
        Path clientCert;
        Path clientKey;
        Supplier<String> tokenSupplier;
        Duration callTimeout = Duration.ofSeconds(10);
        Duration retryTimeout = Duration.ofSeconds(10);

        Builder() {}

        /** {@code host:port} of the service (a gRPC target string also works, e.g. {@code dns:///h:p}). */
        public Builder target(String target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** Plaintext HTTP/2 (h2c), e.g. for a service on loopback. */
        public Builder plaintext() {
            this.plaintext = true;
            this.caFile = null;
            this.clientCert = null;
            this.clientKey = null;
            return this;
        }

        /** TLS with the system trust store (the default unless {@link #plaintext()}). */
        public Builder tls() {
            this.plaintext = false;
            return this;
        }

        /** TLS trusting the CA certificate(s) in this PEM file. */
        public Builder tls(Path caFile) {
            this.plaintext = false;
            this.caFile = Objects.requireNonNull(caFile, "caFile");
            return this;
        }

        /**
         * Client certificate (chain) and its unencrypted private key, PEM files, for services that
         * require mutual TLS. The key may be PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519),
         * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}, named
         * curves). Implies TLS.
         */
        public Builder clientCertificate(Path certChain, Path privateKey) {
            this.clientCert = Objects.requireNonNull(certChain, "certChain");
            this.clientKey = Objects.requireNonNull(privateKey, "privateKey");
            this.plaintext = false;
            return this;
        }

        /**
         * Bearer token sent as {@code authorization: Bearer ...} on every call, asked for per call
         * (so a refreshed token is picked up; see {@link Tokens} for a token file and GitHub Actions
         * OIDC). A null or blank token sends no header. When the supplier throws, the call fails with
         * an unauthenticated {@link PermissionException} carrying the exception's message. A lease
         * whose token changed reopens its keep-alive stream with the new one.
         */
        public Builder bearerToken(Supplier<String> tokenSupplier) {
            this.tokenSupplier = tokenSupplier;
            return this;
        }

        /** Deadline of each unary call (an acquire gets its wait on top). Default 10 s. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        /** How long {@code UNAVAILABLE} is retried before giving up. Default 10 s; zero disables. */
        public Builder retryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "retryTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("retryTimeout must not be negative");
            }
            this.retryTimeout = timeout;
            return this;
        }

        /**
         * Opens the channel (lazily connected).
         *
         * @throws StatelockException when the CA file cannot be read
         */
        public StatelockClient build() {
            return GrpcStatelockClient.create(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
