package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.statelock.testing.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code terraform} (skipped where it is not installed) on the packaged service's http
 * backend, with authentication on, alone and wrapped by {@code statelock run}: what it prints for a
 * refused token, a run that joined the wrong key, and an apply whose lock was broken; and that no
 * token, password or lease id reaches an answer, the service log or the audit store.
 */
class TerraformIT {
    static Jwts jwts;
    /** Same claims, another key pair: tokens whose signature the service cannot verify. */
    static Jwts forger;

    static StatelockService service;
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        Terraform.assumeInstalled();
        jwts = new Jwts(Files.createTempDirectory("statelock-terraform-it"));
        forger = new Jwts(Files.createTempDirectory("statelock-terraform-it-forger"));
        service = StatelockService.start(StatelockService.freePort(), jwts.serviceProperties(), null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    static String key(String name) {
        return "teams/acme/" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + "/terraform.tfstate";
    }

    static String httpBase() {
        return "http://" + service.addr();
    }

    Terraform project(String name, String key, String resources) throws Exception {
        return Terraform.project(dir.resolve(name), httpBase(), key, resources);
    }

    /** The CLI in the project's directory with terraform's environment, so {@code statelock run -- terraform} works. */
    Cli cli(Terraform tf, String token) {
        Cli c = new Cli(tf.dir, service.addr()).env("STATELOCK_TOKEN", token);
        c.env.putAll(tf.environment());
        return c;
    }

    Cli admin() {
        return new Cli(dir, service.addr()).env("STATELOCK_TOKEN", jwts.admin(600));
    }

    static final String ONE_RESOURCE = "resource \"terraform_data\" \"a\" {\n  input = \"one\"\n}\n";

    static HttpResponse<String> get(String key, String authorization) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(httpBase() + "/terraform/" + key))
                        .header("Authorization", authorization)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String basic(byte[] userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword);
    }

    static String basic(String user, String password) {
        return basic((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The service's log, its audit store as stored (SQLite files, WAL included) and the audit rpc's records. */
    String everythingWritten() throws Exception {
        StringBuilder all = new StringBuilder(Files.readString(service.log));
        try (Stream<Path> files = Files.list(service.dataDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("audit.db"))
                    .toList()) {
                // Text in SQLite pages is stored as UTF-8 bytes; read as Latin-1, every byte is one character.
                all.append('\n').append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        Cli.Run audit = admin().run("audit", "--since", "1h", "--limit", "10000", "--json");
        assertEquals(0, audit.code(), audit.toString());
        return all.append('\n').append(audit.stdout()).toString();
    }

    /** Waits until the batched audit store has a record containing {@code text} (it is written within ~20 ms). */
    void awaitAudited(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!admin().run("audit", "--since", "1h", "--limit", "10000", "--json")
                .stdout()
                .contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no audit record with " + text);
            Thread.sleep(200);
        }
    }

    @Test
    void aRefusedTokenIsNamedInFixedWordsAndNoPartOfItIsWrittenAnywhere() throws Exception {
        String key = key("tokens");
        Terraform tf = project("tokens", key, ONE_RESOURCE);
        tf.env("TF_HTTP_USERNAME", "token").env("TF_HTTP_PASSWORD", jwts.locker(600));
        Terraform.Run init = tf.run("init", "-input=false", "-no-color");
        assertEquals(0, init.code(), init.toString());

        long longAgo = Instant.now().getEpochSecond() - 40L * 24 * 3600;
        Map<String, Object> deploy = Map.of("repository", "acme/network", "ref", "refs/heads/main");
        // Every kind of bad token, and the words its refusal must use.
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put(forger.locker(600), "bad signature");
        bad.put(
                jwts.sign(Jwts.LOCKER_SUBJECT, Map.of("iss", "https://gitlab.example.com"), Jwts.AUDIENCE, 600),
                "unknown issuer");
        bad.put(jwts.sign(Jwts.LOCKER_SUBJECT, deploy, "sts.amazonaws.com", 600), "wrong audience");
        bad.put(
                jwts.sign(Jwts.LOCKER_SUBJECT, Map.of("iat", longAgo - 600, "exp", longAgo), Jwts.AUDIENCE, 600),
                "expired " + Instant.ofEpochSecond(longAgo));
        bad.put("Tr0ub4dor&3-" + UUID.randomUUID(), "malformed token"); // a password, not a token
        bad.put("%%garbage%%.$$not-base64$$.!!", "malformed token");

        List<String> answers = new ArrayList<>();
        for (Map.Entry<String, String> b : bad.entrySet()) {
            tf.env("TF_HTTP_PASSWORD", b.getKey());
            Terraform.Run plan = tf.run("plan", "-input=false", "-no-color");
            assertEquals(1, plan.code(), plan.toString());
            assertTrue(plan.output().contains("HTTP remote state endpoint requires auth"), plan.toString());
            answers.add(plan.output());

            HttpResponse<String> http = get(key, basic("token", b.getKey()));
            assertEquals(401, http.statusCode(), http.body());
            assertTrue(http.body().startsWith("Basic password rejected: invalid token: " + b.getValue()), http.body());
            answers.add(http.body());

            Cli.Run grpc = new Cli(dir, service.addr())
                    .env("STATELOCK_TOKEN", b.getKey())
                    .run("status", key);
            assertEquals(77, grpc.code(), grpc.toString());
            assertTrue(grpc.stderr().contains("unauthenticated: invalid token: " + b.getValue()), grpc.toString());
            answers.add(grpc.stdout() + grpc.stderr());
        }
        // Bytes that are not UTF-8 as the Basic password: the refusal is still plain words.
        byte[] user = "token:".getBytes(StandardCharsets.UTF_8);
        byte[] garbage = new byte[user.length + 8];
        System.arraycopy(user, 0, garbage, 0, user.length);
        System.arraycopy(
                new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, '.', (byte) 0x80, (byte) 0xe2, '.', 'x'},
                0,
                garbage,
                user.length,
                8);
        HttpResponse<String> raw = get(key, basic(garbage));
        assertEquals(401, raw.statusCode());
        assertEquals(
                "Basic password rejected: invalid token: malformed token (not a JWT: three base64url parts,"
                        + " header.payload.signature)\n",
                raw.body());

        awaitAudited("bad signature");
        String written = everythingWritten();
        assertTrue(written.contains("wrong audience (expected statelock)"), "the refusals are logged and audited");
        String all = String.join("\n", answers) + "\n" + written;
        for (String secret : bad.keySet()) {
            Secrets.assertNoPartOf("the answers, service log and audit store", all, secret);
        }
        assertFalse(written.contains("\uFFFD") || written.contains("Unexpected character"), "garbage decoded as text");
    }

    @Test
    void aTerraformWrappedByARunOfAnotherKeyIsToldWhyAndTheRightKeyWorks() throws Exception {
        String key = key("wrapped");
        String runKey = key.substring(
                0, key.lastIndexOf('/')); // statelock run --key teams/acme/x: the block names x/terraform.tfstate
        Terraform tf = project("wrapped", key, ONE_RESOURCE);
        String token = jwts.locker(600);
        tf.env("TF_HTTP_USERNAME", "token").env("TF_HTTP_PASSWORD", token);
        assertEquals(0, tf.run("init", "-input=false", "-no-color").code());
        tf.env.remove("TF_HTTP_USERNAME");
        tf.env.remove("TF_HTTP_PASSWORD"); // from here on, statelock run's TF_HTTP_* credentials
        String apply =
                "echo \"$STATELOCK_LEASE_ID\" >> leases; exec terraform apply -input=false -auto-approve -no-color";

        Cli.Run wrong = cli(tf, token).run("run", "--key", runKey, "--", "sh", "-c", apply);

        String out = wrong.stdout() + wrong.stderr();
        assertEquals(1, wrong.code(), wrong.toString());
        assertFalse(out.contains("failed to unmarshal body"), wrong.toString());
        // Terraform shows only the ID of the refusal's LockInfo: it says why (Terraform wraps long lines).
        String said = out.replaceAll("\\s+", " ");
        assertTrue(
                said.contains("HTTP remote state already locked: ID=none: the lease of statelock run does not hold "
                        + key + " (it is not locked): statelock run --key must name the key of the backend address"),
                wrong.toString());

        Cli.Run right = cli(tf, token).run("run", "--key", key, "--", "sh", "-c", apply);
        assertEquals(0, right.code(), right.toString());
        HttpResponse<String> state = get(key, basic("token", token));
        assertEquals(200, state.statusCode());
        assertTrue(state.body().contains("\"terraform_data\""), state.body());

        List<String> leases = Files.readAllLines(tf.dir.resolve("leases"));
        assertEquals(2, leases.size());
        String all = out + right.stdout() + right.stderr() + everythingWritten();
        for (String lease : leases) {
            Secrets.assertNoPartOf("terraform's output, the service log and audit store", all, lease);
        }
    }

    @Test
    void anApplyWhoseLockWasBrokenHasItsSaveRefusedAndIsNotAdvisedToForceUnlock() throws Exception {
        String key = key("broken");
        // The resource waits for a file: the test breaks the lock and hands it on while the apply is inside it.
        Terraform tf = project(
                "broken",
                key,
                "resource \"terraform_data\" \"slow\" {\n  input = \"one\"\n"
                        + "  provisioner \"local-exec\" {\n    command = \"touch started; while [ ! -f go ]; do sleep 0.1; done\"\n  }\n}\n");
        String token = jwts.locker(600);
        tf.env("TF_HTTP_USERNAME", "token")
                .env("TF_HTTP_PASSWORD", token)
                .env("TF_LOG", "DEBUG")
                .env("TF_LOG_PATH", dir.resolve("broken-terraform.log").toString());
        assertEquals(0, tf.run("init", "-input=false", "-no-color").code());

        Terraform.Run apply = tf.start("apply", "-input=false", "-auto-approve", "-no-color");
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!Files.exists(tf.dir.resolve("started"))) {
            assertTrue(apply.process.isAlive() && System.nanoTime() < deadline, apply.toString());
            Thread.sleep(100);
        }
        Cli.Run broken = admin().run("force-unlock", key, "--reason", "test: the apply's lease is lost");
        assertEquals(0, broken.code(), broken.toString());
        Cli.Run next = new Cli(dir, service.addr())
                .env("STATELOCK_TOKEN", token)
                .run("acquire", "--key", key, "--ttl", "60s", "--owner", "next-job", "--json");
        assertEquals(0, next.code(), next.toString());
        JsonObject holder = JsonParser.parseString(next.stdout()).getAsJsonObject();
        Files.writeString(tf.dir.resolve("go"), "");

        assertEquals(1, apply.await(Duration.ofMinutes(2)), apply.toString());
        String out = apply.output();
        assertTrue(out.contains("Error saving state: HTTP error: 409"), apply.toString());
        assertFalse(out.contains("force-unlock"), "never advised to break the new holder's lock: " + apply);
        assertFalse(out.contains("Error releasing the state lock"), apply.toString());

        JsonObject status = JsonParser.parseString(
                        admin().run("status", key, "--json").stdout())
                .getAsJsonObject();
        assertTrue(status.get("held").getAsBoolean(), status.toString());
        assertEquals(
                holder.get("fencing_token").getAsLong(),
                status.get("fencing_token").getAsLong(),
                "the new holder's lock");
        assertEquals(404, get(key, basic("token", token)).statusCode(), "nothing written by the lost lease");

        // Terraform's own lock ID (a credential here) and the new holder's lease id are written nowhere.
        Matcher id =
                Pattern.compile("\\?ID=([0-9a-f-]{36})").matcher(Files.readString(dir.resolve("broken-terraform.log")));
        assertTrue(id.find(), "terraform's debug log names its lock ID");
        String all = out + broken.stdout() + broken.stderr() + everythingWritten();
        Secrets.assertNoPartOf("the answers, service log and audit store", all, id.group(1));
        Secrets.assertNoPartOf(
                "the answers, service log and audit store",
                all,
                holder.get("lease_id").getAsString());
        assertEquals(
                0,
                new Cli(dir, service.addr())
                        .env("STATELOCK_TOKEN", token)
                        .run(
                                "release",
                                "--key",
                                key,
                                "--lease-id",
                                holder.get("lease_id").getAsString())
                        .code());
    }
}
