package io.statelock.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code service/target/quarkus-app/quarkus-run.jar}, or {@code -Dstatelock.service.jar=FILE})
 * as a child process on a free loopback port.
 */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ServiceProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static Path jar() {
        return configuredOr("statelock.service.jar", ServiceProcess::jar);
    }

    /** Where the service module packages the service under the repository root {@code repoRoot}. */
    public static Path jar(Path repoRoot) {
        return repoRoot.resolve("service/target/quarkus-app/quarkus-run.jar");
    }

    /**
     * The safety harness's build of the service ({@code service/target/harness-app}, or
     * {@code -Dstatelock.harness.jar=FILE}): the same service with the deliberately broken fence check, which the
     * production build leaves out.
     */
    public static Path harnessJar() {
        return configuredOr("statelock.harness.jar", ServiceProcess::harnessJar);
    }

    public static Path harnessJar(Path repoRoot) {
        return repoRoot.resolve("service/target/harness-app/quarkus-run.jar");
    }

    /** The jar a system property names, or where the build puts it under the repository root. */
    private static Path configuredOr(String property, java.util.function.Function<Path, Path> underRoot) {
        String configured = System.getProperty(property);
        Path jar = configured == null || configured.isBlank() ? underRoot.apply(RepoRoot.find()) : Path.of(configured);
        return jar.toAbsolutePath().normalize();
    }

    public static ServiceProcess start(Path log, String... properties) throws IOException, InterruptedException {
        return start(freePort(), log, properties);
    }

    public static ServiceProcess start(int port, Path log, String... properties)
            throws IOException, InterruptedException {
        return start(List.of(), port, log, properties);
    }

    /** With JVM options such as {@code -Xmx128m} before the properties. */
    public static ServiceProcess start(List<String> jvmOptions, int port, Path log, String... properties)
            throws IOException, InterruptedException {
        return start(jar(), jvmOptions, port, log, properties);
    }

    /** The service packaged as {@code jar} (such as {@link #harnessJar()}). */
    public static ServiceProcess start(Path jar, List<String> jvmOptions, int port, Path log, String... properties)
            throws IOException, InterruptedException {
        if (!Files.exists(jar)) throw new IllegalStateException("package the service first: " + jar);
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=" + port);
        for (String p : properties) command.add("-D" + p);
        command.add("-jar");
        command.add(jar.toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        ServiceProcess service = new ServiceProcess(process, port);
        service.awaitPort(listeningPort(port, properties), TimeUnit.SECONDS.toMillis(60));
        return service;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush — what a crash or an OOM kill does. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: graceful shutdown. Returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill9();
    }

    /** With TLS on the plain port stays closed: wait for the TLS port instead. */
    private static int listeningPort(int port, String... properties) {
        boolean tls = List.of(properties).stream().anyMatch(p -> p.startsWith("statelock.tls.cert="));
        return List.of(properties).stream()
                .filter(p -> tls && p.startsWith("quarkus.http.ssl-port="))
                .map(p -> Integer.parseInt(p.substring(p.indexOf('=') + 1)))
                .findFirst()
                .orElse(port);
    }

    private void awaitPort(int port, long timeoutMs) throws InterruptedException, IOException {
        long end = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive())
                throw new IOException("service exited with " + process.exitValue() + " during start-up");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        process.destroyForcibly();
        throw new IOException("service did not open port " + port + " within " + timeoutMs + " ms");
    }

    public static int freePort() {
        return LoopbackServer.freePort();
    }
}
