package io.statelock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A dynalite (DynamoDB-API) server started as a child process on a free loopback port, in memory.
 * Install it first with {@code deploy/local/install.sh} (Maven's install-dynalite does that before tests).
 * {@link #shared()} gives one instance per test JVM, stopped by a shutdown hook.
 */
public final class Dynalite extends LoopbackServer {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;

    private static Dynalite shared; // guarded by Dynalite.class: one server per test JVM

    private Dynalite(Process process, int port, Path log) {
        super("dynalite", process, port, log);
    }

    /** The instance shared by every test of this JVM, started on first use. */
    public static synchronized Dynalite shared() {
        if (shared == null || !shared.isAlive()) {
            shared = start();
        }
        return shared;
    }

    /** Starts a new server; the caller closes it. */
    public static Dynalite start() {
        Path cli = findCli();
        IOException last = null;
        // A free port found by binding and closing can be taken by someone else before dynalite binds it: retry.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            Path log = logFile(port);
            List<String> command = new ArrayList<>(List.of(
                    node(),
                    cli.toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port),
                    // Tables are ACTIVE at once: with the default 500 ms the SDK's table waiter sleeps ~20 s.
                    "--createTableMs",
                    "0",
                    "--deleteTableMs",
                    "0",
                    "--updateTableMs",
                    "0"));
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot start dynalite with " + command + " (is Node.js installed and on the PATH?)", e);
            }
            Dynalite dynalite = new Dynalite(process, port, log);
            try {
                dynalite.awaitListening(START_TIMEOUT);
                return dynalite;
            } catch (IOException e) {
                dynalite.close();
                last = e;
            }
        }
        throw new IllegalStateException("dynalite did not start after " + START_ATTEMPTS + " attempts", last);
    }

    /** Where {@code deploy/local/install.sh} puts dynalite: {@code deploy/local/node_modules/dynalite/cli.js}. */
    public static Path cli(Path repoRoot) {
        return repoRoot.resolve("deploy/local/node_modules/dynalite/cli.js");
    }

    private static Path findCli() {
        Path cli = cli(RepoRoot.find());
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException(
                    "dynalite is not installed: run deploy/local/install.sh (looked for " + cli + ")");
        }
        return cli;
    }

    /** {@code STATELOCK_NODE}, else {@code node} from the PATH. */
    public static String node() {
        String node = System.getenv("STATELOCK_NODE");
        return node == null || node.isBlank() ? "node" : node;
    }

    private static Path logFile(int port) {
        try {
            Path dir = Path.of("target");
            if (!Files.isDirectory(dir)) {
                dir = Files.createTempDirectory("dynalite");
            }
            return dir.resolve("dynalite-" + port + ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
