package io.statelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.statelock.adapter.blob.s3.S3BlobStore;
import io.statelock.testing.Dynalite;
import io.statelock.testing.S3Proxy;
import io.statelock.testing.S3ProxyClients;
import io.statelock.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service started with exactly the environment of the Kubernetes Deployment
 * (deploy/kubernetes/base/deployment.yaml) and its policy file — only the AWS endpoints (dynalite and
 * s3proxy on loopback), the token key (a generated PEM instead of the issuer's JWKS) and the port replaced. It
 * must start on 0.0.0.0 with DynamoDB and JWT, become ready, log only JSON, and stop on SIGTERM well
 * within the pod's terminationGracePeriodSeconds.
 */
class DeploymentEnvIT {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDeploymentsEnvironmentStartsTheServiceReadyAndStopsWithinTheGracePeriod(@TempDir Path tmp)
            throws Exception {
        JsonNode deployment = YAML.readTree(
                NodeCheck.ROOT.resolve("deploy/kubernetes/base/deployment.yaml").toFile());
        JsonNode pod = deployment.at("/spec/template/spec");
        Map<String, String> env = new LinkedHashMap<>();
        pod.at("/containers/0/env")
                .forEach(e -> env.put(e.get("name").asText(), e.get("value").asText()));
        int grace = pod.get("terminationGracePeriodSeconds").asInt();

        var keys = KeyPairGenerator.getInstance("RSA");
        keys.initialize(2048);
        Path publicKey = tmp.resolve("public.pem");
        Files.writeString(
                publicKey,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(
                                        keys.generateKeyPair().getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        int port = ServiceProcess.freePort();

        try (Dynalite dynalite = Dynalite.start();
                S3Proxy s3 = S3Proxy.start()) {
            // The bucket exists before the service starts, as Terraform creates it in AWS.
            try (var client = S3ProxyClients.of(s3)) {
                new S3BlobStore(client, env.get("STATELOCK_S3_BUCKET"), "").createBucketIfMissing();
            }
            env.put("QUARKUS_S3_ENDPOINT_OVERRIDE", s3.endpoint().toString());
            env.put("QUARKUS_S3_PATH_STYLE_ACCESS", "true");
            env.put("QUARKUS_S3_AWS_CREDENTIALS_TYPE", "static");
            env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", S3Proxy.IDENTITY);
            env.put("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", S3Proxy.CREDENTIAL);
            env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
            // The pod's spool volume, here under the test's own directory (as /tmp is, below).
            assertThat(env).containsKey("STATELOCK_STATE_SPOOL_DIR");
            env.put("STATELOCK_STATE_SPOOL_DIR", tmp.resolve("spool").toString());
            env.put(
                    "STATELOCK_AUTH_POLICY_FILE",
                    NodeCheck.ROOT.resolve("deploy/kubernetes/base/policy.yaml").toString());
            env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toUri().toString());
            // Terraform creates the table in AWS; here the local server needs it created.
            env.put("STATELOCK_DYNAMODB_CREATE_TABLE", "true");
            env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", dynalite.endpoint().toString());
            env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_TYPE", "static");
            env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", "local");
            env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", "local");

            Path log = tmp.resolve("service.log");
            ProcessBuilder builder = new ProcessBuilder(List.of(
                            "java",
                            "-Djava.io.tmpdir=" + tmp,
                            "-jar",
                            ServiceProcess.jar().toString()))
                    .directory(tmp.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment()
                    .keySet()
                    .removeIf(k -> k.startsWith("QUARKUS_")
                            || k.startsWith("STATELOCK_")
                            || k.startsWith("MP_")
                            || k.startsWith("JAVA_TOOL")
                            || k.startsWith("JDK_JAVA"));
            builder.environment().putAll(env);
            Process process = builder.start();
            try {
                HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
                String ready = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (System.nanoTime() < deadline && process.isAlive()) {
                    try {
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ready = r.body();
                            break;
                        }
                    } catch (java.io.IOException notYet) {
                        // not listening yet
                    }
                    Thread.sleep(250);
                }
                assertThat(ready).as("ready; log:\n%s", Files.readString(log)).isNotNull();
                assertThat(JSON.readTree(ready).toString())
                        .contains("\"store\":\"dynamodb\"")
                        .contains("\"blob\":\"s3\"");

                long stopping = System.nanoTime();
                process.destroy(); // SIGTERM, as the kubelet sends after preStop
                assertThat(process.waitFor(grace, TimeUnit.SECONDS))
                        .as("stopped within %d s", grace)
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(grace - 5));
            } finally {
                process.destroyForcibly();
            }

            List<String> lines = new ArrayList<>(Files.readAllLines(log));
            assertThat(lines).isNotEmpty();
            List<JsonNode> records = new ArrayList<>();
            for (String line : lines) {
                records.add(JSON.readTree(line)); // every line is one JSON object
            }
            assertThat(records)
                    .anySatisfy(r ->
                            assertThat(r.get("message").asText()).contains("Listening on: http://0.0.0.0:" + port));
            assertThat(records)
                    .anySatisfy(r -> assertThat(r.get("message").asText())
                            .contains("lock store: DynamoDB table " + env.get("STATELOCK_DYNAMODB_TABLE")));
            assertThat(records)
                    .noneSatisfy(r -> assertThat(r.get("message").asText()).containsIgnoringCase("insecure"));
        }
    }
}
