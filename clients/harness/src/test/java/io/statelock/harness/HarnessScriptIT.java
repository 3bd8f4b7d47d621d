package io.statelock.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The harness as the README tells a user to run it: {@code clients/bin/harness} after
 * {@code ./mvnw -B package -DskipTests} (which the build has done by now for the service), from the
 * repository root, with a relative work dir. It must build its own class path, start its stores,
 * run, print its summary and exit 0.
 */
class HarnessScriptIT {
    @Test
    void theScriptRunsAShortSeededRunFromTheRepositoryRootAndExitsZero() throws Exception {
        Layout layout = Layout.find();
        assumeTrue(layout.missing() == null, layout.missing());
        Path root = layout.root();
        String workDir = "clients/harness/target/harness/script-" + System.currentTimeMillis();
        Path out = Files.createTempFile("harness-script", ".out");
        Process p = new ProcessBuilder(List.of(
                        "sh", "clients/bin/harness", "--seed", "42", "--duration", "20s", "--work-dir", workDir))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        // Generous: a Maven class-path step plus two JVM replicas and the stores on a loaded 2-core machine.
        boolean ended = p.waitFor(8, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly();
        }
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(ended, () -> "the harness did not end within 8 minutes:\n" + printed);
        assertEquals(0, p.exitValue(), () -> "exit status; output:\n" + printed);
        assertTrue(printed.contains("violations: 0 (checks 1-6 hold)"), () -> printed);
        assertTrue(printed.contains("rerun: clients/bin/harness --seed 42"), () -> printed);
        // The relative work dir is taken from where the script was started, and holds the history.
        assertTrue(Files.isRegularFile(root.resolve(workDir).resolve("history.txt")), "history.txt in " + workDir);
    }
}
