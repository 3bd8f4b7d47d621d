package io.statelock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An s3proxy (S3-API) server, in memory ({@code jclouds.provider=transient}), as a child JVM on a free
 * loopback port. Maven copies the pinned jar to {@code target/s3proxy/s3proxy.jar} before tests.
 * {@link #shared()} gives one per test JVM, stopped by a shutdown hook.
 */
public final class S3Proxy extends LoopbackServer {
    public static final String IDENTITY = "local-identity";
    public static final String CREDENTIAL = "local-credential";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static S3Proxy shared; // guarded by S3Proxy.class: one server per test JVM

    private S3Proxy(Process process, int port, Path log) {
        super("s3proxy", process, port, log);
    }

    public static synchronized S3Proxy shared() {
        if (shared == null || !shared.isAlive()) shared = start();
        return shared;
    }

    public static S3Proxy start() {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("s3proxy is not there: run the tests through Maven (it copies " + jar + ")");
        }
        try {
            int port = freePort();
            Path dir = Files.createDirectories(Path.of("target", "s3proxy"));
            Path properties = dir.resolve("s3proxy-" + port + ".properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + IDENTITY,
                    "s3proxy.credential=" + CREDENTIAL,
                    "jclouds.provider=transient",
                    "jclouds.identity=" + IDENTITY,
                    "jclouds.credential=" + CREDENTIAL, ""));
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-jar", jar.toString(), "--properties", properties.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy-" + port + ".log").toFile()).start();
            S3Proxy proxy = new S3Proxy(p, port, dir.resolve("s3proxy-" + port + ".log"));
            proxy.awaitListening(START_TIMEOUT);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start s3proxy", e);
        }
    }

    /** A plain SDK client for this server (path-style, the test credentials); the caller closes it. */
    public S3Client client() {
        return client(endpoint());
    }

    /** The same client reaching this server through {@code endpoint} (a proxy in front of it). */
    public static S3Client client(java.net.URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
