package io.statelock.bench;

import io.statelock.testing.Dynalite;
import io.statelock.testing.LoopbackServer;
import io.statelock.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server the benchmark started on loopback (service, dynalite, etcd); closing stops it. */
final class Proc implements AutoCloseable {
    /**
     * The service's JVM as in its container (deploy/image) under the Kubernetes limit of 512 MiB: the JVM
     * sizes its heap from that (a quarter: 128 MiB) instead of from this machine's memory, and gives freed
     * malloc memory back every 5 s (-XX:TrimNativeHeapInterval, as in the image). Replaced by
     * STATELOCK_BENCH_SERVICE_OPTS when that is set.
     */
    static final String SERVICE_JVM =
            "-XX:MaxRAM=512m -XX:MaxRAMPercentage=25 -XX:+UseSerialGC -XX:TrimNativeHeapInterval=5000";

    final String name;
    final Process process;
    final int port;

    private Proc(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    long pid() {
        return process.pid();
    }

    static int freePort() {
        return LoopbackServer.freePort();
    }

    static Proc start(String name, List<String> command, Path workDir, Path log, int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        return new Proc(name, pb.start(), port);
    }

    static Proc dynalite(Path repo, Path tmp) throws Exception {
        Path install = repo.resolve("deploy/local/install.sh");
        Process npm = new ProcessBuilder("sh", install.toString())
                .directory(install.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("install.log").toFile())
                .start();
        if (npm.waitFor() != 0)
            throw new IllegalStateException("deploy/local/install.sh failed, see " + tmp.resolve("install.log"));
        int port = freePort();
        Proc p = start(
                "dynalite",
                List.of(
                        Dynalite.node(),
                        Dynalite.cli(repo).toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--createTableMs",
                        "0",
                        "--deleteTableMs",
                        "0"),
                tmp,
                tmp.resolve("dynalite.log"),
                port);
        p.awaitPort(Duration.ofSeconds(30));
        return p;
    }

    /** The packaged service ({@code service/target/quarkus-app/quarkus-run.jar}) on a free loopback port. */
    static Proc service(Path repo, Path tmp, String store, int dynalitePort) throws Exception {
        return service(repo, tmp, store, dynalitePort, "");
    }

    /** {@code name} tells two services on one store apart: its own log, and on DynamoDB its own tables. */
    static Proc service(Path repo, Path tmp, String store, int dynalitePort, String name) throws Exception {
        Path jar = ServiceProcess.jar(repo);
        if (!Files.exists(jar))
            throw new IllegalStateException(jar + " is missing: run ./mvnw -B package -DskipTests first");
        int port = freePort();
        Path data = Files.createDirectories(tmp.resolve("data-" + store + "-" + port));
        List<String> cmd = new ArrayList<>(List.of(
                "java",
                "-Dquarkus.http.port=" + port,
                "-Dstatelock.store=" + store,
                "-Dstatelock.embedded.data-dir=" + data));
        if (store.equals("dynamodb")) {
            cmd.addAll(List.of(
                    "-Dstatelock.dynamodb.create-table=true",
                    "-Dquarkus.dynamodb.endpoint-override=http://127.0.0.1:" + dynalitePort,
                    "-Dquarkus.dynamodb.aws.region=us-east-1",
                    "-Dquarkus.dynamodb.aws.credentials.type=static",
                    "-Dquarkus.dynamodb.aws.credentials.static-provider.access-key-id=local",
                    "-Dquarkus.dynamodb.aws.credentials.static-provider.secret-access-key=local"));
            if (!name.isEmpty()) {
                cmd.add("-Dstatelock.dynamodb.table=statelock-locks-" + name);
                cmd.add("-Dstatelock.dynamodb.audit-table=statelock-audit-" + name);
            }
        }
        cmd.addAll(List.of(serviceJvmOptions().split("\\s+")));
        cmd.addAll(List.of("-jar", jar.toString()));
        String label = store + (name.isEmpty() ? "" : "-" + name);
        Proc p = start("statelock-" + label, cmd, tmp, tmp.resolve("service-" + label + ".log"), port);
        p.awaitHttp("/q/health/ready", Duration.ofSeconds(60));
        return p;
    }

    /** STATELOCK_BENCH_SERVICE_OPTS, or {@link #SERVICE_JVM} when it is unset or blank. */
    static String serviceJvmOptions() {
        String extra = System.getenv("STATELOCK_BENCH_SERVICE_OPTS");
        return extra == null || extra.isBlank() ? SERVICE_JVM : extra.trim();
    }

    /** A single etcd node on loopback with a fresh data directory (fsync on, as shipped). */
    static Proc etcd(String binary, Path tmp) throws Exception {
        int port = freePort();
        int peer = freePort();
        Path data = tmp.resolve("etcd-data");
        Proc p = start(
                "etcd",
                List.of(
                        binary,
                        "--name",
                        "bench",
                        "--data-dir",
                        data.toString(),
                        "--listen-client-urls",
                        "http://127.0.0.1:" + port,
                        "--advertise-client-urls",
                        "http://127.0.0.1:" + port,
                        "--listen-peer-urls",
                        "http://127.0.0.1:" + peer,
                        "--initial-advertise-peer-urls",
                        "http://127.0.0.1:" + peer,
                        "--initial-cluster",
                        "bench=http://127.0.0.1:" + peer),
                tmp,
                tmp.resolve("etcd.log"),
                port);
        p.awaitHttp("/health", Duration.ofSeconds(30));
        return p;
    }

    void awaitPort(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                checkAlive(deadline);
                Thread.sleep(100);
            }
        }
    }

    void awaitHttp(String path, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        while (true) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not up yet
            }
            checkAlive(deadline);
            Thread.sleep(200);
        }
    }

    private void checkAlive(long deadline) {
        if (!process.isAlive()) throw new IllegalStateException(name + " exited with " + process.exitValue());
        if (System.nanoTime() > deadline) throw new IllegalStateException(name + " did not come up on port " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
