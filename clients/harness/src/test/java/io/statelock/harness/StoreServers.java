package io.statelock.harness;

import io.statelock.testing.Dynalite;
import io.statelock.testing.S3Proxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The two store servers, both persisted on disk so they survive a restart: dynalite (DynamoDB API)
 * with {@code --path}, and s3proxy with its filesystem provider. Each restarts on the same port.
 * A watch restarts a store that exited by itself (dynalite 4.0.0 throws on some aborted requests),
 * recording it as a {@link Fault#STORE_CRASH}, so that a crash of the test store does not end a soak.
 */
final class StoreServers implements AutoCloseable {
    static final String BUCKET = "harness-state";
    static final String S3_IDENTITY = S3Proxy.IDENTITY;
    static final String S3_CREDENTIAL = S3Proxy.CREDENTIAL;
    /** Generous: a JVM or node start on a loaded 2-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How often the watch looks for a store that exited; a store takes about a second to start anyway. */
    private static final long WATCH_MS = 200;

    private final Layout layout;
    private final Path dir;
    private final ServerProcess dynalite;
    private final ServerProcess s3proxy;
    private final Path s3properties;
    private final LongSupplier clock;
    /** Held by a restart, the fault's or the watch's, from stop to listening again: they never overlap. */
    private final Object restarts = new Object();
    /** Stores that exited by themselves and were restarted, in order. */
    private final List<FaultEvent> crashes = new CopyOnWriteArrayList<>();

    private volatile boolean closed;

    /** @param clock harness time, for the crashes recorded */
    StoreServers(Layout layout, Path dir, LongSupplier clock) throws IOException {
        this.layout = layout;
        this.dir = dir;
        this.clock = clock;
        this.dynalite = new ServerProcess("dynalite", ServerProcess.freePort(), dir.resolve("dynalite.log"));
        this.s3proxy = new ServerProcess("s3proxy", ServerProcess.freePort(), dir.resolve("s3proxy.log"));
        Path blobs = Files.createDirectories(dir.resolve("s3-data"));
        // A bucket of the filesystem provider is a folder under the base directory.
        Files.createDirectories(blobs.resolve(BUCKET));
        Files.createDirectories(dir.resolve("dynalite-data"));
        this.s3properties = dir.resolve("s3proxy.properties");
        Files.writeString(
                s3properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + s3proxy.port(),
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + S3_IDENTITY,
                        "s3proxy.credential=" + S3_CREDENTIAL,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + blobs,
                        "jclouds.identity=" + S3_IDENTITY,
                        "jclouds.credential=" + S3_CREDENTIAL,
                        ""));
    }

    int dynamoPort() {
        return dynalite.port();
    }

    int s3Port() {
        return s3proxy.port();
    }

    void start() throws Exception {
        Parallel.run(List.of(this::startDynalite, this::startS3));
        Thread watch = new Thread(this::watch, "store-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** The stores that exited by themselves and were restarted. */
    List<FaultEvent> crashes() {
        return List.copyOf(crashes);
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(WATCH_MS);
                synchronized (restarts) {
                    restartIfExited(dynalite, this::startDynalite);
                    restartIfExited(s3proxy, this::startS3);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Called holding {@code restarts}; a failed start is recorded and tried again on the next look. */
    private void restartIfExited(ServerProcess store, Parallel.Step start) throws InterruptedException {
        if (closed || store.alive()) {
            return;
        }
        long from = clock.getAsLong();
        String what = store.name() + " exited by itself with " + store.exitValue();
        try {
            start.run();
            what += "; restarted on port " + store.port() + " with its data (see " + store.name() + ".log)";
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            what += "; could not restart it: " + e.getMessage();
        }
        crashes.add(new FaultEvent(Fault.STORE_CRASH, what, from, clock.getAsLong()));
    }

    private void startDynalite() throws IOException, InterruptedException {
        String node = Dynalite.node();
        // --createTableMs 0: tables are ACTIVE at once (the SDK's waiter would sleep ~20 s otherwise).
        dynalite.start(
                List.of(
                        node,
                        layout.dynaliteCli().toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(dynalite.port()),
                        "--createTableMs",
                        "0",
                        "--deleteTableMs",
                        "0",
                        "--updateTableMs",
                        "0",
                        "--path",
                        dir.resolve("dynalite-data").toString()),
                START_TIMEOUT);
    }

    private void startS3() throws IOException, InterruptedException {
        // C1 only: a faster start on a loaded machine; the harness checks correctness, not speed.
        s3proxy.start(
                List.of(
                        Layout.java().toString(),
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        layout.s3proxyJar().toString(),
                        "--properties",
                        s3properties.toString()),
                START_TIMEOUT);
    }

    /** The DynamoDB-API store goes away (SIGTERM) and comes back on the same port with the same data. */
    void restartDynalite(Duration down) throws IOException, InterruptedException {
        synchronized (restarts) {
            dynalite.stop();
            Thread.sleep(down.toMillis());
            startDynalite();
        }
    }

    /** The S3-API store goes away and comes back on the same port with the same objects. */
    void restartS3(Duration down) throws IOException, InterruptedException {
        synchronized (restarts) {
            s3proxy.stop();
            Thread.sleep(down.toMillis());
            startS3();
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true; // before the kills: the watch must not restart what is closing
        dynalite.close();
        s3proxy.close();
    }
}
