package io.statelock.harness;

import io.statelock.testing.Dynalite;
import io.statelock.testing.S3Proxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The two store servers, both persisted on disk so they survive a restart: dynalite (DynamoDB API)
 * with {@code --path}, and s3proxy with its filesystem provider. Each restarts on the same port.
 */
final class StoreServers implements AutoCloseable {
  static final String BUCKET = "harness-state";
  static final String S3_IDENTITY = S3Proxy.IDENTITY;
  static final String S3_CREDENTIAL = S3Proxy.CREDENTIAL;
  /** Generous: a JVM or node start on a loaded 2-core machine. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Layout layout;
  private final Path dir;
  private final ServerProcess dynalite;
  private final ServerProcess s3proxy;
  private final Path s3properties;

  StoreServers(Layout layout, Path dir) throws IOException {
    this.layout = layout;
    this.dir = dir;
    this.dynalite = new ServerProcess("dynalite", ServerProcess.freePort(), dir.resolve("dynalite.log"));
    this.s3proxy = new ServerProcess("s3proxy", ServerProcess.freePort(), dir.resolve("s3proxy.log"));
    Path blobs = Files.createDirectories(dir.resolve("s3-data"));
    // A bucket of the filesystem provider is a folder under the base directory.
    Files.createDirectories(blobs.resolve(BUCKET));
    Files.createDirectories(dir.resolve("dynalite-data"));
    this.s3properties = dir.resolve("s3proxy.properties");
    Files.writeString(s3properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + s3proxy.port(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + S3_IDENTITY,
        "s3proxy.credential=" + S3_CREDENTIAL,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + blobs,
        "jclouds.identity=" + S3_IDENTITY,
        "jclouds.credential=" + S3_CREDENTIAL, ""));
  }

  int dynamoPort() {
    return dynalite.port();
  }

  int s3Port() {
    return s3proxy.port();
  }

  void start() throws Exception {
    Parallel.run(List.of(this::startDynalite, this::startS3));
  }

  private void startDynalite() throws IOException, InterruptedException {
    String node = Dynalite.node();
    // --createTableMs 0: tables are ACTIVE at once (the SDK's waiter would sleep ~20 s otherwise).
    dynalite.start(List.of(node, layout.dynaliteCli().toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(dynalite.port()), "--createTableMs", "0", "--deleteTableMs", "0",
        "--updateTableMs", "0", "--path", dir.resolve("dynalite-data").toString()), START_TIMEOUT);
  }

  private void startS3() throws IOException, InterruptedException {
    // C1 only: a faster start on a loaded machine; the harness checks correctness, not speed.
    s3proxy.start(List.of(Layout.java().toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
        layout.s3proxyJar().toString(), "--properties", s3properties.toString()), START_TIMEOUT);
  }

  /** The DynamoDB-API store goes away (SIGTERM) and comes back on the same port with the same data. */
  void restartDynalite(Duration down) throws IOException, InterruptedException {
    dynalite.stop();
    Thread.sleep(down.toMillis());
    startDynalite();
  }

  /** The S3-API store goes away and comes back on the same port with the same objects. */
  void restartS3(Duration down) throws IOException, InterruptedException {
    s3proxy.stop();
    Thread.sleep(down.toMillis());
    startS3();
  }

  @Override
  public void close() throws InterruptedException {
    dynalite.close();
    s3proxy.close();
  }
}
