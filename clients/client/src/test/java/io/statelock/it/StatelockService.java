package io.statelock.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import io.statelock.testing.LoopbackServer;
import io.statelock.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The real, packaged statelock service (the test kit's {@link ServiceProcess}: {@code
 * service/target/quarkus-app/quarkus-run.jar}) on a free loopback port with a temporary embedded
 * store, ready once a client gets an answer.
 */
final class StatelockService implements AutoCloseable {
    final int port;
    final Path dataDir;
    final Path log;
    private ServiceProcess process;
    /** Extra {@code -Dname=value} settings (auth, TLS). */
    private final List<String> properties;
    /** Builds the client the readiness probe uses (plaintext on {@link #addr()} unless told otherwise). */
    private final java.util.function.Supplier<StatelockClient> probe;

    private StatelockService(int port, Path dataDir, Path log) {
        this(port, dataDir, log, List.of(), null);
    }

    private StatelockService(
            int port,
            Path dataDir,
            Path log,
            List<String> properties,
            java.util.function.Supplier<StatelockClient> probe) {
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
        this.properties = properties;
        this.probe = probe;
    }

    /**
     * Starts the service with extra settings on {@code port} (the TLS port when TLS is on); it is
     * ready when {@code probe}'s client gets any answer (also UNAUTHENTICATED) to a Describe.
     */
    static StatelockService start(int port, List<String> properties, java.util.function.Supplier<StatelockClient> probe)
            throws Exception {
        Path jar = jar();
        assumeTrue(
                Files.isRegularFile(jar),
                "the statelock service is not built (" + jar
                        + " missing): run `./mvnw -B package -DskipTests` at the repository root first");
        Path dir = Files.createTempDirectory("statelock-it-");
        StatelockService s =
                new StatelockService(port, dir.resolve("data"), dir.resolve("service.log"), properties, probe);
        s.launch();
        return s;
    }

    static Path jar() {
        return ServiceProcess.jar();
    }

    /** Starts the service, or skips the calling test if the service has not been built. */
    static StatelockService start() throws Exception {
        Path jar = jar();
        assumeTrue(
                Files.isRegularFile(jar),
                "the statelock service is not built (" + jar
                        + " missing): run `./mvnw -B package -DskipTests` at the repository root first");
        Path dir = Files.createTempDirectory("statelock-it-");
        StatelockService s = new StatelockService(freePort(), dir.resolve("data"), dir.resolve("service.log"));
        s.launch();
        return s;
    }

    String addr() {
        return "127.0.0.1:" + port;
    }

    StatelockClient client() {
        return StatelockClient.builder()
                .target(addr())
                .plaintext()
                .callTimeout(Duration.ofSeconds(10))
                .retryTimeout(Duration.ofSeconds(5))
                .build();
    }

    private void launch() throws Exception {
        List<String> props = new java.util.ArrayList<>(List.of(
                "quarkus.http.host=127.0.0.1",
                "statelock.embedded.data-dir=" + dataDir,
                // State objects next to the store, not in ./data of the working directory (the default).
                "statelock.filesystem.dir=" + dataDir.resolve("state")));
        props.addAll(properties);
        try {
            process = ServiceProcess.start(List.of(), port, log, props.toArray(String[]::new));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage() + "; log:\n" + Files.readString(log), e);
        }
        awaitReady(Duration.ofSeconds(60));
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (StatelockClient c = probe != null
                ? probe.get()
                : StatelockClient.builder()
                        .target(addr())
                        .plaintext()
                        .callTimeout(Duration.ofSeconds(2))
                        .retryTimeout(Duration.ZERO)
                        .build()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("service exited; log:\n" + Files.readString(log));
                }
                try {
                    c.admin().describe("readiness/probe");
                    return;
                } catch (io.statelock.client.PermissionException e) {
                    return; // it answers: authentication is on
                } catch (StatelockException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("service not ready after " + timeout + ": " + e.getMessage()
                                + "; log:\n" + Files.readString(log));
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** kill -9: no graceful shutdown, connections reset. */
    void kill() throws InterruptedException {
        process.kill9();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.stop();
        }
    }

    static int freePort() {
        return LoopbackServer.freePort();
    }
}
