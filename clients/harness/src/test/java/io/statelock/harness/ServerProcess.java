package io.statelock.harness;

import io.statelock.testing.LoopbackServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child server process (replica, dynalite, s3proxy) that listens on a loopback port and can be restarted. */
final class ServerProcess implements AutoCloseable {
    private final String name;
    private final Path log;
    private final int port;
    /** The running server; replaced on restart (volatile: read by the shutdown hook). */
    private volatile Process process;

    ServerProcess(String name, int port, Path log) {
        this.name = name;
        this.port = port;
        this.log = log;
        // No orphan server survives the harness, even when it is interrupted (Ctrl-C, a failed test run).
        Runtime.getRuntime().addShutdownHook(new Thread(this::killOnExit, "stop-" + name));
    }

    private void killOnExit() {
        Process p = process; // unsynchronized on purpose: a hook must not wait for a fault in progress
        if (p != null) {
            p.destroyForcibly();
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    /** True from a start until the process exits, by a stop or by itself. */
    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The exit status of the last process, once it has exited. */
    int exitValue() {
        return process.exitValue();
    }

    /** Starts {@code command} (output appended to the log) and waits until the port accepts connections. */
    synchronized void start(List<String> command, Duration timeout) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " during start-up; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IOException(name + " did not listen on " + port + " within " + timeout + "; see " + log);
    }

    /** SIGKILL: no shutdown hook, no flush, connections reset — a crash. */
    synchronized void kill9() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill9();
    }

    static int freePort() {
        return LoopbackServer.freePort();
    }
}
