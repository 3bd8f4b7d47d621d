package io.statelock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An s3proxy (S3-API) server, in memory ({@code jclouds.provider=transient}), as a child JVM on a free
 * loopback port. Maven copies the pinned jar to {@code target/s3proxy/s3proxy.jar} of the module before tests
 * (or {@code -Dstatelock.s3proxy.jar=FILE}). {@link #shared()} gives one per test JVM, stopped by a shutdown hook.
 * An SDK client for it: the service's tests' {@code S3ProxyClients}.
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

    /** The pinned s3proxy jar: {@code -Dstatelock.s3proxy.jar}, else the module's {@code target/s3proxy/s3proxy.jar}. */
    public static Path jar() {
        String configured = System.getProperty("statelock.s3proxy.jar");
        Path jar = configured == null || configured.isBlank()
                ? Path.of("target", "s3proxy", "s3proxy.jar")
                : Path.of(configured);
        return jar.toAbsolutePath().normalize();
    }

    public static S3Proxy start() {
        Path jar = jar();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "s3proxy is not there: run the tests through Maven (it copies " + jar + ")");
        }
        try {
            int port = freePort();
            Path dir = Files.createDirectories(Path.of("target", "s3proxy"));
            Path properties = dir.resolve("s3proxy-" + port + ".properties");
            Files.writeString(
                    properties,
                    String.join(
                            "\n",
                            "s3proxy.endpoint=http://127.0.0.1:" + port,
                            "s3proxy.authorization=aws-v2-or-v4",
                            "s3proxy.identity=" + IDENTITY,
                            "s3proxy.credential=" + CREDENTIAL,
                            "jclouds.provider=transient",
                            "jclouds.identity=" + IDENTITY,
                            "jclouds.credential=" + CREDENTIAL,
                            ""));
            Process p = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx512m",
                            "-jar",
                            jar.toString(),
                            "--properties",
                            properties.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("s3proxy-" + port + ".log").toFile())
                    .start();
            S3Proxy proxy = new S3Proxy(p, port, dir.resolve("s3proxy-" + port + ".log"));
            proxy.awaitListening(START_TIMEOUT);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start s3proxy", e);
        }
    }
}
