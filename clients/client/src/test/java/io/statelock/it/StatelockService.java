package io.statelock.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.statelock.client.StatelockClient;
import io.statelock.client.StatelockException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real, packaged statelock service ({@code target/quarkus-app/quarkus-run.jar} at the repo
 * root), started as a subprocess on a free loopback port with a temporary embedded store.
 */
final class StatelockService implements AutoCloseable {
  final int port;
  final Path dataDir;
  final Path log;
  private Process process;
  /** Extra {@code -Dname=value} settings (auth, TLS). */
  private final List<String> properties;
  /** Builds the client the readiness probe uses (plaintext on {@link #addr()} unless told otherwise). */
  private final java.util.function.Supplier<StatelockClient> probe;

  private StatelockService(int port, Path dataDir, Path log) {
    this(port, dataDir, log, List.of(), null);
  }

  private StatelockService(int port, Path dataDir, Path log, List<String> properties,
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
  static StatelockService start(int port, List<String> properties,
      java.util.function.Supplier<StatelockClient> probe) throws Exception {
    Path jar = jar();
    assumeTrue(Files.isRegularFile(jar), "the statelock service is not built (" + jar
        + " missing): run `./mvnw -B package -DskipTests` at the repository root first");
    Path dir = Files.createTempDirectory("statelock-it-");
    StatelockService s = new StatelockService(port, dir.resolve("data"), dir.resolve("service.log"), properties, probe);
    s.launch();
    return s;
  }

  static Path jar() {
    String configured = System.getProperty("statelock.service.jar");
    Path jar = configured != null ? Path.of(configured)
        : Path.of(System.getProperty("user.dir")).resolve("../../target/quarkus-app/quarkus-run.jar");
    return jar.toAbsolutePath().normalize();
  }

  /** Starts the service, or skips the calling test if the service has not been built. */
  static StatelockService start() throws Exception {
    Path jar = jar();
    assumeTrue(Files.isRegularFile(jar), "the statelock service is not built (" + jar
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
    return StatelockClient.builder().target(addr()).plaintext()
        .callTimeout(Duration.ofSeconds(10)).retryTimeout(Duration.ofSeconds(5)).build();
  }

  private void launch() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java,
        "-Dquarkus.http.port=" + port,
        "-Dquarkus.http.host=127.0.0.1",
        "-Dstatelock.embedded.data-dir=" + dataDir,
        // State objects next to the store, not in ./data of the working directory (the default).
        "-Dstatelock.filesystem.dir=" + dataDir.resolve("state")));
    properties.forEach(p -> cmd.add("-D" + p));
    cmd.add("-jar");
    cmd.add(jar().toString());
    process = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    awaitReady(Duration.ofSeconds(60));
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (StatelockClient c = probe != null ? probe.get() : StatelockClient.builder().target(addr()).plaintext()
        .callTimeout(Duration.ofSeconds(2)).retryTimeout(Duration.ZERO).build()) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("service exited with " + process.exitValue() + "; log:\n"
              + Files.readString(log));
        }
        try {
          c.describe("readiness/probe");
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
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
