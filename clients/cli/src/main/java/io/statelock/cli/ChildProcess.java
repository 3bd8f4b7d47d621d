package io.statelock.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command that {@code run} wraps. It is started under {@code setsid} (util-linux), so it leads
 * its own process group and the whole tree it starts (e.g. {@code sh -c} then {@code terraform})
 * can be signalled at once with {@code kill -SIG -- -PGID}: Java's {@code ProcessBuilder} can
 * neither create a process group nor signal one.
 *
 * <p>A small guard process, in its own session too, holds a pipe from this JVM: if the JVM dies
 * without saying goodbye (even {@code kill -9}), the pipe closes and the guard stops the child's
 * group, so a child can never outlive the lease watcher and write after its lease expired.
 */
final class ChildProcess {
    private static final String GUARD_SCRIPT =
            // No "--" before the negative pid: dash's builtin kill rejects it; "-SIG -PGID" works in all.
            "IFS= read -r line; [ \"$line\" = done ] && exit 0; "
                    + "kill -TERM -\"$1\" 2>/dev/null; i=0; "
                    + "while [ \"$i\" -lt \"$2\" ] && kill -0 -\"$1\" 2>/dev/null; do sleep 0.1; i=$((i+1)); done; "
                    + "kill -KILL -\"$1\" 2>/dev/null; exit 0";

    private final Process process;
    private final long pgid;
    private final Process guard;

    private ChildProcess(Process process, Process guard) {
        this.process = process;
        this.pgid = process.pid();
        this.guard = guard;
    }

    /** Finds {@code setsid} on the PATH, or null. */
    static String findSetsid() {
        String path = System.getenv("PATH");
        if (path == null || path.isEmpty()) {
            path = "/usr/bin:/bin";
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir.isEmpty() ? "." : dir, "setsid");
            if (f.isFile() && f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    static ChildProcess start(String setsid, List<String> command, Map<String, String> extraEnv, Duration killGrace)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(setsid);
        cmd.add("--wait"); // only matters if setsid must fork; then it still reports the exit status
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        Process guard = null;
        try {
            long tenths = Math.max(1, killGrace.toMillis() / 100);
            guard = new ProcessBuilder(
                            setsid,
                            "sh",
                            "-c",
                            GUARD_SCRIPT,
                            "statelock-guard",
                            Long.toString(p.pid()),
                            Long.toString(tenths))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            // Without the guard the child is still stopped on lease loss; only a JVM crash is uncovered.
            System.err.println("statelock: warning: could not start the child guard: " + e.getMessage());
        }
        return new ChildProcess(p, guard);
    }

    long pid() {
        return process.pid();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal (e.g. {@code TERM}, {@code INT}, {@code KILL}) to the child's whole group. */
    void signalGroup(String signal) {
        boolean sent = kill("-" + signal, "--", "-" + pgid);
        if (!sent && process.isAlive()) {
            // setsid may not have made the group yet (signal right after start): signal the child.
            kill("-" + signal, "--", Long.toString(process.pid()));
        }
    }

    /**
     * True while a live (non-zombie) process of the child's group exists. Read from /proc, because
     * {@code kill -0} also counts zombies, which an orphaned grandchild stays until init reaps it.
     */
    boolean groupAlive() {
        File[] entries = new File("/proc").listFiles((d, name) -> !name.isEmpty() && Character.isDigit(name.charAt(0)));
        if (entries == null) {
            return kill("-0", "--", "-" + pgid); // no /proc: best effort
        }
        String group = Long.toString(pgid);
        for (File e : entries) {
            try {
                String stat = Files.readString(e.toPath().resolve("stat"), StandardCharsets.US_ASCII);
                // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 5);
                if (f.length > 2 && f[2].equals(group) && !f[0].equals("Z") && !f[0].equals("X")) {
                    return true;
                }
            } catch (IOException | RuntimeException ignored) {
                // the process went away while we looked
            }
        }
        return false;
    }

    /**
     * Stops the whole group: SIGTERM, then SIGKILL to whatever of the group is left after
     * {@code grace} (grandchildren included). Returns when the child has exited.
     */
    void terminate(Duration grace) throws InterruptedException {
        signalGroup("TERM");
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && (process.isAlive() || groupAlive())) {
            Thread.sleep(50);
        }
        if (process.isAlive() || groupAlive()) {
            System.err.println("statelock: child did not stop within " + Durations.format(grace)
                    + " after SIGTERM, sending SIGKILL");
            signalGroup("KILL");
        }
        process.waitFor();
    }

    /** Tells the guard that the JVM is ending normally; it exits without touching the child. */
    void dismissGuard() {
        if (guard == null) {
            return;
        }
        try (OutputStream out = guard.getOutputStream()) {
            out.write("done\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // guard already gone
        }
        try {
            guard.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean kill(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("kill");
        cmd.addAll(List.of(args));
        try {
            Process k = new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return k.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
