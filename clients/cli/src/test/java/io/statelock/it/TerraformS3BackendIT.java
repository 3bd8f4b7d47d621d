package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statelock.testing.Dynalite;
import io.statelock.testing.S3Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real {@code terraform} (skipped where it is not installed) on its own S3 backend, against dynalite and s3proxy
 * on loopback, with the packaged service configured to read its locks ({@code statelock.terraform-s3.*}): the
 * seed's procedure for a runner killed mid-apply, with the DynamoDB lock table, the lock file, and both. The service
 * shows the plain run's lock ({@code status}, {@code list}), refuses {@code statelock run} on it naming the run, and
 * an admin's {@code force-unlock --reason} breaks the stale lock so that the next plain apply works.
 */
class TerraformS3BackendIT {
    static final String REGION = "us-east-1";
    static Dynalite dynalite;
    static S3Proxy s3proxy;
    static String bucket;
    static String table;
    static StatelockService service;

    @TempDir
    Path dir;

    /** How the Terraform project locks its state, as its backend block says. */
    enum Mechanism {
        DYNAMODB_TABLE("DynamoDB lock table", true, false),
        LOCKFILE("lock file", false, true),
        BOTH("DynamoDB lock table and the lock file", true, true);

        final String shown;
        final boolean table;
        final boolean lockfile;

        Mechanism(String shown, boolean table, boolean lockfile) {
            this.shown = shown;
            this.table = table;
            this.lockfile = lockfile;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Terraform.assumeInstalled();
        dynalite = Dynalite.start();
        s3proxy = S3Proxy.start();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        bucket = "tf-states-" + suffix;
        table = "tf-locks-" + suffix;
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(dynalite.endpoint())
                .region(Region.of(REGION))
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()) {
            // Terraform's documented lock table: hash key LockID, a string.
            dynamo.createTable(r -> r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder()
                            .attributeName("LockID")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(KeySchemaElement.builder()
                            .attributeName("LockID")
                            .keyType(KeyType.HASH)
                            .build()));
        }
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(s3proxy.endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Proxy.IDENTITY, S3Proxy.CREDENTIAL)))
                .build()) {
            s3.createBucket(r -> r.bucket(bucket));
        }
        service = StatelockService.start(
                StatelockService.freePort(),
                List.of(
                        "statelock.terraform-s3.buckets=" + bucket,
                        "statelock.terraform-s3.dynamodb-table=" + table,
                        "statelock.terraform-s3.use-lockfile=true",
                        "quarkus.dynamodb.endpoint-override=" + dynalite.endpoint(),
                        "quarkus.dynamodb.aws.region=" + REGION,
                        "quarkus.dynamodb.aws.credentials.type=static",
                        "quarkus.dynamodb.aws.credentials.static-provider.access-key-id=test",
                        "quarkus.dynamodb.aws.credentials.static-provider.secret-access-key=test",
                        "quarkus.s3.endpoint-override=" + s3proxy.endpoint(),
                        "quarkus.s3.path-style-access=true",
                        "quarkus.s3.aws.region=" + REGION,
                        "quarkus.s3.aws.credentials.type=static",
                        "quarkus.s3.aws.credentials.static-provider.access-key-id=" + S3Proxy.IDENTITY,
                        "quarkus.s3.aws.credentials.static-provider.secret-access-key=" + S3Proxy.CREDENTIAL),
                null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (s3proxy != null) {
            s3proxy.close();
        }
        if (dynalite != null) {
            dynalite.close();
        }
    }

    /** A project on the S3 backend of {@code stateKey}; its resource's local-exec sleeps {@code var.pause} seconds. */
    Terraform project(Mechanism m, String stateKey) throws Exception {
        return project(m, stateKey, m.name().toLowerCase());
    }

    /** The same in directory {@code name}: two working directories of one state, as two CI runners have. */
    Terraform project(Mechanism m, String stateKey, String name) throws Exception {
        String backend = "backend \"s3\" {\n"
                + "    bucket = \"" + bucket + "\"\n"
                + "    key    = \"" + stateKey + "\"\n"
                + "    region = \"" + REGION + "\"\n"
                + (m.table ? "    dynamodb_table = \"" + table + "\"\n" : "")
                + (m.lockfile ? "    use_lockfile = true\n" : "")
                + "    endpoints = { s3 = \"" + s3proxy.endpoint() + "\", dynamodb = \"" + dynalite.endpoint()
                + "\" }\n"
                + "    use_path_style              = true\n"
                + "    skip_credentials_validation = true\n"
                + "    skip_requesting_account_id  = true\n"
                + "    skip_metadata_api_check     = true\n"
                + "    skip_region_validation      = true\n"
                + "    access_key = \"" + S3Proxy.IDENTITY + "\"\n"
                + "    secret_key = \"" + S3Proxy.CREDENTIAL + "\"\n  }";
        String resources = "variable \"pause\" {\n  default = 0\n}\n"
                // A new pause replaces the resource, so its provisioner (which runs on create only) sleeps that long.
                + "resource \"terraform_data\" \"slow\" {\n  triggers_replace = var.pause\n"
                + "  provisioner \"local-exec\" {\n    command = \"sleep ${var.pause}\"\n  }\n}\n";
        return Terraform.withBackend(dir.resolve(name), backend, resources);
    }

    /** A state key of its own for one test and mechanism. */
    static String stateKey(String name, Mechanism m) {
        return name + "-" + m.name().toLowerCase() + "-"
                + UUID.randomUUID().toString().substring(0, 6) + "/terraform.tfstate";
    }

    Cli cli(Terraform tf) {
        Cli c = new Cli(tf.dir, service.addr());
        c.env.putAll(tf.environment());
        return c;
    }

    @ParameterizedTest
    @EnumSource(Mechanism.class)
    void aStaleLockOfAKilledPlainRunIsShownAndBrokenByAnAdminThenTheNextApplyWorks(Mechanism m) throws Exception {
        String stateKey = stateKey("team", m);
        String key = bucket + "/" + stateKey;
        Terraform tf = project(m, stateKey);
        Terraform.Run init = tf.run("init", "-input=false", "-no-color");
        assertEquals(0, init.code(), init.toString());

        // A plain apply that takes a while, as a CI job's does.
        Terraform.Run slow = tf.start("apply", "-auto-approve", "-no-color", "-var", "pause=120");
        Cli cli = cli(tf);
        Cli.Run status = awaitPlainRunHolds(cli, key, slow);
        String shown = status.stdout();
        assertTrue(shown.contains("held by a plain Terraform run: "), shown);
        assertTrue(shown.contains("(OperationTypeApply)"), shown);
        assertTrue(shown.contains("in the " + m.shown + ";"), shown);
        assertTrue(shown.contains("no expiry"), shown);

        Cli.Run list = cli.run("list", "--prefix", bucket + "/");
        assertEquals(0, list.code(), list.toString());
        assertTrue(
                list.stdout().lines().anyMatch(l -> l.startsWith(key + " ") && l.contains("a plain Terraform run")),
                list.toString());

        // statelock does not run beside it: refused, naming the plain run.
        Cli.Run wrapped = cli.run("run", "--key", key, "--", "true");
        assertEquals(75, wrapped.code(), wrapped.toString());
        assertTrue(wrapped.stderr().contains("plain Terraform run"), wrapped.toString());

        // The runner dies: kill -9 of terraform and what it started. Its lock stays behind.
        slow.process.descendants().forEach(ProcessHandle::destroyForcibly);
        slow.process.destroyForcibly().waitFor();
        Terraform.Run blocked = tf.run("apply", "-auto-approve", "-no-color", "-lock-timeout=0s");
        assertTrue(
                blocked.code() != 0 && blocked.output().contains("Error acquiring the state lock"), blocked.toString());

        Cli.Run broken = cli.run("force-unlock", key, "--reason", "runner killed mid-apply (" + m + ")");
        assertEquals(0, broken.code(), broken.toString());
        assertTrue(
                broken.stdout().contains(key + ": lock broken (was held by a plain Terraform run"), broken.toString());

        Terraform.Run next = tf.run("apply", "-auto-approve", "-no-color");
        assertEquals(0, next.code(), next.toString());
        Cli.Run after = cli.run("status", key);
        assertTrue(after.stdout().contains("free"), after.toString());

        Cli.Run audit = cli.run("audit", "--prefix", key, "--since", "1h", "--json");
        assertEquals(0, audit.code(), audit.toString());
        assertTrue(
                audit.stdout().contains("terraform-force-unlock")
                        && audit.stdout().contains("runner killed mid-apply"),
                audit.toString());
    }

    @ParameterizedTest
    @EnumSource(Mechanism.class)
    void aWrappedRunKeepsPlainRunsOutItsChildWorksAndItsLockHealsWhenTheRunnerIsKilled(Mechanism m) throws Exception {
        String stateKey = stateKey("wrapped", m);
        String key = bucket + "/" + stateKey;
        Terraform runner = project(m, stateKey, "runner-" + m);
        Terraform other = project(m, stateKey, "other-" + m);
        for (Terraform tf : List.of(runner, other)) {
            Terraform.Run init = tf.run("init", "-input=false", "-no-color");
            assertEquals(0, init.code(), init.toString());
        }

        // A wrapped run finishing normally: its terraform works under statelock's lock, and leaves no lock behind.
        Cli cli = cli(runner);
        Cli.Run quick = cli.run(
                Duration.ofMinutes(2),
                "run",
                "--key",
                key,
                "--owner",
                "ci-quick",
                "--",
                "terraform",
                "apply",
                "-auto-approve",
                "-no-color");
        assertEquals(0, quick.code(), quick.toString());
        assertTrue(quick.stderr().contains("terraform runs with -lock=false"), quick.toString());
        Terraform.Run right = other.run("apply", "-auto-approve", "-no-color", "-lock-timeout=0s");
        assertEquals(0, right.code(), right.toString());

        // A wrapped run in progress: a plain run is refused by Terraform itself, naming the statelock holder.
        Cli.Run slow = cli.start(
                "run",
                "--key",
                key,
                "--ttl",
                "5s",
                "--owner",
                "ci-job-42",
                "--operation",
                "apply",
                "--",
                "terraform",
                "apply",
                "-auto-approve",
                "-no-color",
                "-var",
                "pause=120");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(slow.out).contains("Provisioning with 'local-exec'")) {
            assertTrue(
                    slow.process.isAlive() && System.nanoTime() < deadline,
                    () -> "the wrapped terraform never got to " + "its resource: " + slow);
            Thread.sleep(200);
        }
        Terraform.Run refused = other.run("apply", "-auto-approve", "-no-color", "-lock-timeout=0s");
        assertTrue(refused.code() != 0, refused.toString());
        String out = refused.output();
        assertTrue(out.contains("Error acquiring the state lock"), out);
        assertTrue(out.contains("ci-job-42") && out.contains("statelock"), out);

        // The runner dies: kill -9 of the wrapper and its child. The lease expires; statelock's Terraform lock goes
        // within ttl (5 s) + max clock skew (1 s) + one poll interval (1 s), and a plain apply waiting for it gets in.
        slow.process.descendants().forEach(ProcessHandle::destroyForcibly);
        slow.process.destroyForcibly().waitFor();
        long killed = System.nanoTime();
        Terraform.Run healed = other.run("apply", "-auto-approve", "-no-color", "-lock-timeout=60s");
        long tookMs = (System.nanoTime() - killed) / 1_000_000;
        assertEquals(0, healed.code(), healed.toString());
        System.out.printf("%s: plain apply got the lock %d ms after the wrapped run was killed (ttl 5 s)%n", m, tookMs);
        Cli.Run audit = cli.run("audit", "--prefix", key, "--since", "1h", "--json");
        assertTrue(
                audit.stdout().contains("terraform-lock-healed")
                        && audit.stdout().contains("ci-job-42"),
                audit.toString());
    }

    /** Polls {@code status} until the plain run's lock shows (Terraform takes it within seconds of starting). */
    static Cli.Run awaitPlainRunHolds(Cli cli, String key, Terraform.Run run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Cli.Run status = cli.run("status", key);
            if (status.code() == 0 && status.stdout().contains("plain Terraform run")) {
                return status;
            }
            assertTrue(run.process.isAlive(), () -> "terraform ended before its lock was seen: " + run);
            assertTrue(
                    System.nanoTime() < deadline, () -> "the plain run's lock was never shown: " + status + "\n" + run);
            Thread.sleep(300);
        }
    }
}
