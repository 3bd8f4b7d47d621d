package io.statelock.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code terraform} binary in a working directory of its own, as a CI job runs it: no
 * input, no colour, its own data directory, no version check, and a CLI configuration that allows
 * no provider download (the configurations use the built-in {@code terraform_data} only).
 */
final class Terraform {
    final Path dir;
    /** Extra environment of every run (TF_HTTP_USERNAME / TF_HTTP_PASSWORD, TF_LOG). */
    final Map<String, String> env = new HashMap<>();

    private int runs;

    private Terraform(Path dir) {
        this.dir = dir;
    }

    /** The binary on PATH, or null. */
    static Path binary() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "terraform");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Skips the calling test class where terraform is not installed. */
    static void assumeInstalled() {
        assumeTrue(
                binary() != null,
                "terraform is not on PATH: the Terraform-driven tests need the terraform CLI"
                        + " (1.x, tested with 1.11.4); they are skipped");
    }

    /**
     * A working directory for {@code key} on the service at {@code httpBase}: the http backend block
     * (addresses only, so credentials come from TF_HTTP_* or -backend-config) and {@code resources}.
     */
    static Terraform project(Path dir, String httpBase, String key, String resources) throws IOException {
        String address = httpBase + "/terraform/" + key;
        return withBackend(
                dir,
                "backend \"http\" {\n"
                        + "    address        = \"" + address + "\"\n"
                        + "    lock_address   = \"" + address + "\"\n"
                        + "    unlock_address = \"" + address + "\"\n"
                        + "    lock_method    = \"LOCK\"\n"
                        + "    unlock_method  = \"UNLOCK\"\n  }",
                resources);
    }

    /** A working directory with {@code backend} (a whole {@code backend "…" { … }} block) and {@code resources}. */
    static Terraform withBackend(Path dir, String backend, String resources) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("backend.tf"), "terraform {\n  " + backend + "\n}\n");
        Files.writeString(dir.resolve("main.tf"), resources);
        // Providers only from an empty mirror: anything but the built-in provider fails instead of downloading.
        Path mirror = Files.createDirectories(dir.resolve(".no-providers"));
        Files.writeString(
                dir.resolve(".terraformrc"),
                "provider_installation {\n  filesystem_mirror {\n    path = \"" + mirror + "\"\n  }\n}\n");
        return new Terraform(dir);
    }

    Terraform env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** The environment terraform runs with (also for a terraform started by {@code statelock run}). */
    Map<String, String> environment() {
        Map<String, String> e = new HashMap<>(env);
        e.put("TF_IN_AUTOMATION", "1");
        e.put("TF_INPUT", "0");
        e.put("TF_DATA_DIR", dir.resolve(".terraform-data").toString());
        e.put("TF_CLI_CONFIG_FILE", dir.resolve(".terraformrc").toString());
        e.put("CHECKPOINT_DISABLE", "1");
        return e;
    }

    /** Starts {@code terraform args...}; stdout and stderr go to one file, as a CI log shows them. */
    Run start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        Path out = dir.resolve("terraform-" + (++runs) + ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // Nothing from the environment the tests run in (credentials, TF_LOG, a workspace).
        pb.environment().keySet().removeIf(k -> k.startsWith("TF_") || k.startsWith("STATELOCK_"));
        pb.environment().putAll(environment());
        return new Run(pb.start(), out, String.join(" ", args));
    }

    /** Runs to completion (at most two minutes: the configurations here take seconds). */
    Run run(String... args) throws Exception {
        Run r = start(args);
        r.await(Duration.ofMinutes(2));
        return r;
    }

    static final class Run {
        final Process process;
        final Path out;
        final String description;

        Run(Process process, Path out, String description) {
            this.process = process;
            this.out = out;
            this.description = description;
        }

        int await(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(
                        "terraform " + description + " did not finish within " + timeout + "\n" + output());
            }
            return process.exitValue();
        }

        int code() {
            return process.exitValue();
        }

        String output() throws IOException {
            return Files.readString(out);
        }

        @Override
        public String toString() {
            try {
                return "terraform " + description + " -> " + (process.isAlive() ? "running" : process.exitValue())
                        + "\n" + output();
            } catch (IOException e) {
                return description;
            }
        }
    }
}
