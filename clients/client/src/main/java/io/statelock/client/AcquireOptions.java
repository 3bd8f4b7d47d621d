package io.statelock.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How to acquire a lock: ttl, how long to wait, who is asking and why. Immutable and thread-safe;
 * build it once with {@link #builder()} (e.g. as a {@code static final} constant) and pass it to as
 * many {@code acquire} calls, on as many threads, as you like: every call is a new, independent
 * acquire. The idempotency key that makes the client's own retries safe (the request id) belongs to
 * one call and its retries, never to the options, unless you set one with {@link
 * Builder#requestId(String)}.
 */
public final class AcquireOptions {
    private final Duration ttl;
    private final Duration wait;
    private final String owner;
    private final String operation;
    private final String who;
    private final String version;
    private final String path;
    private final String info;
    private final Map<String, String> labels;
    private final String requestId;
    private final Duration safetyMargin;

    private AcquireOptions(Builder b) {
        this.ttl = b.ttl;
        this.wait = b.wait;
        this.owner = b.owner;
        this.operation = b.operation;
        this.who = b.who;
        this.version = b.version;
        this.path = b.path;
        this.info = b.info;
        this.labels = Map.copyOf(b.labels);
        this.requestId = b.requestId;
        this.safetyMargin = b.safetyMargin;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Requested lease ttl; {@code null} lets the service choose (30 s by default). */
    public Duration ttl() {
        return ttl;
    }

    /** How long the service may wait for the lock; zero means try once. */
    public Duration waitTimeout() {
        return wait;
    }

    public String owner() {
        return owner;
    }

    public String operation() {
        return operation;
    }

    public String who() {
        return who;
    }

    public String version() {
        return version;
    }

    public String path() {
        return path;
    }

    public String info() {
        return info;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /**
     * The request id set with {@link Builder#requestId(String)}, or {@code null} (the default): each
     * acquire call then makes a fresh random one, which only that call's own retries reuse.
     */
    public String requestId() {
        return requestId;
    }

    /**
     * The request id of one acquire call, sent with each of its attempts: the one given to the
     * builder, else a fresh random one (so two calls with these options never share one).
     */
    String requestIdForCall() {
        return requestId != null ? requestId : UUID.randomUUID().toString();
    }

    /**
     * How long before the granted ttl runs out (measured on the client's monotonic clock from the
     * send time of the last successful renewal) the lease declares itself lost; {@code null} means
     * the default: a tenth of the ttl, at least 250 ms and at most 5 s.
     */
    public Duration safetyMargin() {
        return safetyMargin;
    }

    /** Equal when every setting is (so options can be compared, cached and logged like values). */
    @Override
    public boolean equals(Object o) {
        return o instanceof AcquireOptions a
                && Objects.equals(ttl, a.ttl)
                && wait.equals(a.wait)
                && owner.equals(a.owner)
                && operation.equals(a.operation)
                && who.equals(a.who)
                && version.equals(a.version)
                && path.equals(a.path)
                && info.equals(a.info)
                && labels.equals(a.labels)
                && Objects.equals(requestId, a.requestId)
                && Objects.equals(safetyMargin, a.safetyMargin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ttl, wait, owner, operation, who, version, path, info, labels, requestId, safetyMargin);
    }

    @Override
    public String toString() {
        return "AcquireOptions{ttl=" + ttl + ", wait=" + wait + ", owner=" + owner + ", operation=" + operation
                + ", labels=" + labels + (requestId != null ? ", requestId=" + requestId : "") + "}";
    }

    /** Builder for {@link AcquireOptions}. */
    public static final class Builder {
        private Duration ttl;
        private Duration wait = Duration.ZERO;
        private String owner = defaultOwner();
        private String operation = "";
        private String who = defaultOwner();
        private String version = "";
        private String path = "";
        private String info = "";
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String requestId;
        private Duration safetyMargin;

        private Builder() {}

        /** Lease time to live (the service bounds it, by default 1 s to 1 h). */
        public Builder ttl(Duration ttl) {
            this.ttl = OptionChecks.positive(ttl, "ttl");
            return this;
        }

        /** Wait up to this long for a held lock (server-side, FIFO); zero tries once. */
        public Builder waitTimeout(Duration wait) {
            this.wait = OptionChecks.notNegative(wait, "wait", "wait");
            return this;
        }

        /** Owner of the lease; defaults to {@code user@host}. */
        public Builder owner(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
            return this;
        }

        public Builder operation(String operation) {
            this.operation = Objects.requireNonNull(operation, "operation");
            return this;
        }

        /** Who runs the operation; defaults to {@code user@host}. */
        public Builder who(String who) {
            this.who = Objects.requireNonNull(who, "who");
            return this;
        }

        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        public Builder info(String info) {
            this.info = Objects.requireNonNull(info, "info");
            return this;
        }

        public Builder label(String name, String value) {
            labels.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            labels.forEach(this::label);
            return this;
        }

        /**
         * Sends this request id with every acquire made with these options, instead of a fresh random
         * one per call. Only for callers that run their own retries across processes (e.g. a pipeline
         * step that re-runs {@code statelock acquire} after a lost answer, with an id stored between
         * runs): the service answers an acquire with the same request id and owner as a retry, returning
         * the lease it already granted while that lease is live. So with an explicit request id, reusing
         * these options for a second, independent acquire (another thread, a later call) returns the
         * <em>same</em> lease and fencing token: two holders of one lease, which is what you asked for.
         * Leave it unset for everything else; the client retries its own calls safely without it.
         */
        public Builder requestId(String requestId) {
            this.requestId = OptionChecks.notBlank(requestId, "requestId");
            return this;
        }

        /** See {@link AcquireOptions#safetyMargin()}. */
        public Builder safetyMargin(Duration margin) {
            this.safetyMargin = OptionChecks.notNegative(margin, "margin", "safety margin");
            return this;
        }

        public AcquireOptions build() {
            return new AcquireOptions(this);
        }
    }

    /** {@code user@host} of this process, used as the default owner. */
    public static String defaultOwner() {
        String user = System.getProperty("user.name", "unknown");
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException | SecurityException e) {
                host = "localhost";
            }
        }
        return user + "@" + host;
    }
}
