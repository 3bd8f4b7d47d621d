package io.statelock.harness;

import io.statelock.testing.FaultProxy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One service replica: the packaged jar as its own JVM under the {@code harness} profile, on the
 * DynamoDB store and the S3 blob store, each reached through a proxy of its own, and reached by
 * clients through a proxy too. It can be killed with {@code kill -9} and restarted, with a new
 * clock offset if asked.
 */
final class Replica implements AutoCloseable {
    /** Generous: a JVM start on a loaded 2-core machine. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    final int index;
    final boolean broken;
    final FaultProxy clientLink;
    final FaultProxy dynamoLink;
    final FaultProxy s3Link;
    private final Layout layout;
    private final Path dir;
    private final ServerProcess process;
    private volatile Duration clockOffset;

    Replica(int index, Layout layout, Path dir, StoreServers stores, boolean broken, Duration clockOffset)
            throws IOException {
        this.index = index;
        this.layout = layout;
        this.dir = dir;
        this.broken = broken;
        this.clockOffset = clockOffset;
        this.process = new ServerProcess(
                "replica-" + index, ServerProcess.freePort(), dir.resolve("replica-" + index + ".log"));
        this.clientLink = FaultProxy.raw("client-replica" + index, process.port());
        this.dynamoLink = FaultProxy.http1("replica" + index + "-dynamodb", stores.dynamoPort());
        this.s3Link = FaultProxy.http1("replica" + index + "-s3", stores.s3Port());
    }

    /** {@code host:port} clients use: through this replica's client proxy. */
    String target() {
        return "127.0.0.1:" + clientLink.port();
    }

    Duration clockOffset() {
        return clockOffset;
    }

    void start() throws IOException, InterruptedException {
        // C1 only (-XX:TieredStopAtLevel=1): restarts are faults here, and a loaded 2-core machine starts it faster.
        List<String> cmd = new ArrayList<>(List.of(
                Layout.java().toString(),
                "-Xmx192m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.profile=harness", // the test-only settings below are refused under prod
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + process.port(),
                "-Dstatelock.store=dynamodb",
                "-Dstatelock.dynamodb.create-table=true",
                "-Dquarkus.dynamodb.endpoint-override=http://127.0.0.1:" + dynamoLink.port(),
                "-Dquarkus.dynamodb.aws.region=us-east-1",
                "-Dquarkus.dynamodb.aws.credentials.type=static",
                "-Dquarkus.dynamodb.aws.credentials.static-provider.access-key-id=local",
                "-Dquarkus.dynamodb.aws.credentials.static-provider.secret-access-key=local",
                "-Dstatelock.blob=s3",
                "-Dstatelock.s3.bucket=" + StoreServers.BUCKET,
                "-Dquarkus.s3.endpoint-override=http://127.0.0.1:" + s3Link.port(),
                "-Dquarkus.s3.path-style-access=true",
                "-Dquarkus.s3.aws.region=us-east-1",
                "-Dquarkus.s3.aws.credentials.type=static",
                "-Dquarkus.s3.aws.credentials.static-provider.access-key-id=" + StoreServers.S3_IDENTITY,
                "-Dquarkus.s3.aws.credentials.static-provider.secret-access-key=" + StoreServers.S3_CREDENTIAL,
                "-Dstatelock.state.spool-dir=" + dir.resolve("spool-" + index),
                "-Dstatelock.testing.clock-offset=" + clockOffset));
        if (broken) {
            cmd.add("-Dstatelock.testing.skip-fence-check=true");
        }
        cmd.add("-jar");
        cmd.add(layout.serviceJar().toString());
        process.start(cmd, START_TIMEOUT);
    }

    /** kill -9, then start again (with {@code newOffset} if not null). */
    void crashAndRestart(Duration down, Duration newOffset) throws IOException, InterruptedException {
        process.kill9();
        Thread.sleep(down.toMillis());
        if (newOffset != null) {
            clockOffset = newOffset;
        }
        start();
    }

    List<FaultProxy> links() {
        return List.of(clientLink, dynamoLink, s3Link);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
        links().forEach(FaultProxy::close);
    }
}
