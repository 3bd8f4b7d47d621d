package io.statelock.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs {@code clients/bin/statelock} (the real launcher and jar) as a CI job would. */
final class Cli {
    private static final AtomicInteger SEQ = new AtomicInteger();

    final Path workDir;
    final String addr;
    /** Extra environment of every run (tokens, GitHub variables). */
    final java.util.Map<String, String> env = new java.util.HashMap<>();

    Cli(Path workDir, String addr) {
        this.workDir = workDir;
        this.addr = addr;
    }

    Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    static Path launcher() {
        String configured = System.getProperty("statelock.cli.launcher");
        Path p = configured != null
                ? Path.of(configured)
                : Path.of(System.getProperty("user.dir")).resolve("../bin/statelock");
        return p.toAbsolutePath().normalize();
    }

    Run start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        int n = SEQ.incrementAndGet();
        Path out = workDir.resolve("cli-" + n + ".out");
        Path err = workDir.resolve("cli-" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // Nothing from the environment the tests run in (they may run in GitHub Actions themselves).
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("STATELOCK_") || k.startsWith("ACTIONS_ID_TOKEN_") || k.startsWith("TF_"));
        pb.environment().put("STATELOCK_ADDR", addr);
        pb.environment().putAll(env);
        return new Run(pb.start(), out, err, String.join(" ", args));
    }

    /** Runs to completion (at most {@code timeout}). */
    Run run(Duration timeout, String... args) throws Exception {
        Run r = start(args);
        r.await(timeout);
        return r;
    }

    Run run(String... args) throws Exception {
        return run(Duration.ofSeconds(60), args);
    }

    static final class Run {
        final Process process;
        final Path out;
        final Path err;
        final String description;

        Run(Process process, Path out, Path err, String description) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.description = description;
        }

        int await(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(
                        "statelock " + description + " did not finish within " + timeout + "\nstderr: " + stderr());
            }
            return process.exitValue();
        }

        int code() {
            return process.exitValue();
        }

        String stdout() throws IOException {
            return Files.readString(out);
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }

        @Override
        public String toString() {
            try {
                return "statelock " + description + " -> " + (process.isAlive() ? "running" : process.exitValue())
                        + "\nstdout: " + stdout() + "\nstderr: " + stderr();
            } catch (IOException e) {
                return description;
            }
        }
    }
}
