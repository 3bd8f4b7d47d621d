package io.statelock.deploy;

import io.statelock.testing.RepoRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the pinned validators in deploy/checks (installed by the build's install-deploy-checks step). */
final class NodeCheck {
    /** The repository root (tests run in service/): deploy/, proto/ and README.md live there. */
    static final Path ROOT = RepoRoot.find();

    static final Path CHECKS = ROOT.resolve("deploy/checks");

    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    private NodeCheck() {}

    static Result run(String script, String... args) throws IOException, InterruptedException {
        if (!Files.isDirectory(CHECKS.resolve("node_modules"))) {
            throw new IllegalStateException("deploy/checks/node_modules is missing: run deploy/checks/install.sh"
                    + " (the build does it in process-test-resources)");
        }
        List<String> command =
                new ArrayList<>(List.of("node", CHECKS.resolve(script).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(CHECKS.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " did not finish in 120 s");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Copies a folder of deployment files into a temporary folder, to break a copy in a negative test. */
    static Path copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    static void replaceIn(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        if (!text.contains(from)) {
            throw new IllegalStateException(file + " does not contain " + from);
        }
        Files.writeString(file, text.replace(from, to));
    }
}
