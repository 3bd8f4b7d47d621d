package io.statelock.boot;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Every {@code statelock.*} property, validated at start-up. */
@ConfigMapping(prefix = "statelock")
public interface StatelockConfig {

    /** Which lock store to use: {@code embedded} (one machine) or {@code dynamodb} (any number of replicas). */
    @WithDefault("embedded")
    StoreKind store();

    Embedded embedded();

    Dynamodb dynamodb();

    Fence fence();

    Lease lease();

    /** {@code statelock.wait.*} (named so because {@code wait()} belongs to Object). */
    @WithName("wait")
    Wait waiting();

    Watch watch();

    Auth auth();

    Tls tls();

    Audit audit();

    /** Terraform's own S3-backend locks beside statelock's ({@code statelock.terraform-s3.*}). */
    @WithName("terraform-s3")
    TerraformS3 terraformS3();

    interface TerraformS3 {
        /** Buckets whose states plain Terraform runs lock: keys {@code <bucket>/<state key>} are those states. */
        Optional<java.util.List<String>> buckets();

        /** Terraform's DynamoDB lock table (the backend's {@code dynamodb_table}); none when unset. */
        Optional<String> dynamodbTable();

        /** Whether Terraform's lock files ({@code <state key>.tflock}, the backend's {@code use_lockfile}) are read. */
        @WithDefault("false")
        boolean useLockfile();
    }

    /** Test-only settings; see {@link TestingSettings}. */
    Testing testing();

    /**
     * Settings for the safety harness only. The service refuses to start with any of them set unless
     * it runs under the {@code harness}, {@code test} or {@code dev} profile (never {@code prod}).
     */
    interface Testing {
        /** Added to this replica's clock for the clock-offset fault; at most half of max-clock-skew either way. */
        @WithDefault("0s")
        Duration clockOffset();

        /** Deliberately broken replica: its state writes skip the lease/fence check (the harness must catch it). */
        @WithDefault("false")
        boolean skipFenceCheck();
    }

    interface Audit {
        /** Routine records waiting for the store at most; past it they are dropped (still logged) and counted. */
        @WithDefault("10000")
        int queueCapacity();

        /** Records per store write (DynamoDB writes them 25 per BatchWriteItem). */
        @WithDefault("100")
        int batchSize();

        /** How long a failing batch is retried before it is given up (its records stay in the log). */
        @WithDefault("60s")
        Duration maxRetry();
    }

    interface Tls {
        /** PEM certificate (chain) of the server; with {@code key} turns TLS on and the plain port off. */
        Optional<String> cert();

        /** PEM private key of the server. */
        Optional<String> key();

        /** PEM CA that client certificates must chain to; set to require client certificates (mTLS). */
        Optional<String> clientCa();
    }

    /** Authentication modes. */
    enum AuthMode {
        none,
        jwt
    }

    interface Auth {
        /** {@code none} (default; only safe on loopback) or {@code jwt} (bearer tokens, roles from the policy file). */
        @WithDefault("none")
        AuthMode mode();

        /** YAML policy mapping token claims to roles on key patterns; required with {@code jwt}. */
        Optional<Path> policyFile();

        /** Allow {@code mode=none} on a non-loopback address (logged loudly). */
        @WithDefault("false")
        boolean allowInsecure();

        /** Clock leeway for token expiry and not-before. */
        @WithDefault("30s")
        Duration leeway();
    }
    /** Where state bytes are kept: {@code filesystem} (a local directory) or {@code s3}. */
    @WithDefault("filesystem")
    BlobKind blob();

    Filesystem filesystem();

    S3 s3();

    State state();

    Http http();

    /** The store kinds. */
    enum StoreKind {
        embedded,
        dynamodb
    }

    /** The blob store kinds. */
    enum BlobKind {
        filesystem,
        s3
    }

    interface Filesystem {
        /** Directory of the state objects when {@code statelock.blob=filesystem}; created if missing. */
        @WithDefault("./data/state")
        Path dir();
    }

    interface S3 {
        /** Bucket of the state objects when {@code statelock.blob=s3}. */
        @WithDefault("statelock-state")
        String bucket();

        /** Prefix of every object name in the bucket (e.g. {@code states/}). */
        @WithDefault("states/")
        String prefix();
    }

    interface State {
        /** Versions kept in each key's history; older ones leave it and their objects are deleted later. */
        @WithDefault("100")
        int keepVersions();

        /** Where state bytes are spooled on their way in and out (a 256 MiB state never sits in memory). */
        @WithDefault("${java.io.tmpdir}/statelock-spool")
        Path spoolDir();

        /** How often unreferenced state objects (older than an hour) are deleted. */
        @WithDefault("10m")
        Duration gcInterval();

        /** Largest state a PutState stream or an HTTP POST may carry; refused (nothing read past it) when over. */
        @WithDefault("1G")
        MemorySize maxSize();

        /**
         * Free space a state write must leave on the spool directory's disk and the state directory's disk
         * (filesystem blobs); a write that would leave less is refused. {@code 0} turns the check off.
         */
        @WithDefault("1G")
        MemorySize minFreeSpace();
    }

    interface Http {
        /** Lease time to live of locks taken through the Terraform HTTP backend; renewed by every request with the lock's ID. */
        @WithDefault("1h")
        Duration leaseTtl();
    }

    interface Embedded {
        /** Directory of the embedded store's database; created if missing. */
        @WithDefault("./data")
        Path dataDir();
    }

    interface Dynamodb {
        /** Name of the lock table. */
        @WithDefault("statelock-locks")
        String table();

        /** Name of the audit table (hash {@code pk}, range {@code sk}; see deploy/terraform). */
        @WithDefault("statelock-audit")
        String auditTable();

        /** Create the tables (lock table with its prefix index, audit table) if missing: for development and tests. */
        @WithDefault("false")
        boolean createTable();
    }

    interface Fence {
        /** Raised by operators after restoring the store from a backup: tokens are (epoch << 40) + counter. */
        @WithDefault("0")
        long epoch();
    }

    interface Lease {
        /** Lease time to live when the client does not ask for one. */
        @WithDefault("30s")
        Duration defaultTtl();

        /** Shortest ttl a client may ask for. */
        @WithDefault("1s")
        Duration minTtl();

        /** Longest ttl a client may ask for. */
        @WithDefault("1h")
        Duration maxTtl();

        /** How far replica clocks may disagree; an expired lease is takeable only this long after it expired. */
        @WithDefault("1s")
        Duration maxClockSkew();
    }

    interface Wait {
        /** How often a replica re-tries a contended key for its waiters (with +-20% jitter). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Waiting acquires this replica carries at most; past it new waiters get RESOURCE_EXHAUSTED. */
        @WithDefault("10000")
        int maxWaiters();
    }

    interface Watch {
        /** Open Watch streams this replica carries at most; past it new ones get RESOURCE_EXHAUSTED. */
        @WithDefault("1000")
        int maxStreams();

        /**
         * Open Watch streams one caller carries at most on this replica, so one identity cannot take every slot:
         * the token's subject under {@code jwt}, the remote address with authentication off. Past it RESOURCE_EXHAUSTED.
         */
        @WithDefault("100")
        int maxStreamsPerCaller();

        /**
         * Change events one Watch stream buffers for a reader that does not keep up (besides its snapshot); one
         * more ends the stream with RESOURCE_EXHAUSTED ("fell behind") and frees its slot.
         */
        @WithDefault("1000")
        int maxBufferedEvents();
    }
}
