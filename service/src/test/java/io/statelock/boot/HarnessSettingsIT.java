package io.statelock.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.testing.LoopbackServer;
import io.statelock.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service (prod profile by default) refuses the test-only settings; the harness profile takes them, in
 * the harness's build of the service, the only one that carries the broken fence check.
 */
class HarnessSettingsIT {
    @TempDir
    Path dir;

    @Test
    void prodRefusesToStartWithTheBrokenFenceCheck() throws Exception {
        Path log = dir.resolve("refused.log");
        assertThatThrownBy(() -> ServiceProcess.start(
                        log,
                        "statelock.testing.skip-fence-check=true",
                        "statelock.embedded.data-dir=" + dir.resolve("a")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited");
        assertThat(Files.readString(log))
                .contains("refusing to start")
                .contains("statelock.testing.skip-fence-check=true")
                .contains("-Dquarkus.profile=harness");
        // The harness's build, which does carry the broken fence check, refuses it under prod just the same.
        Path harnessLog = dir.resolve("refused-harness-build.log");
        assertThatThrownBy(() -> ServiceProcess.start(
                        ServiceProcess.harnessJar(),
                        java.util.List.of(),
                        LoopbackServer.freePort(),
                        harnessLog,
                        "statelock.testing.skip-fence-check=true",
                        "statelock.embedded.data-dir=" + dir.resolve("e")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited");
        assertThat(Files.readString(harnessLog)).contains("refusing to start").contains("-Dquarkus.profile=harness");
    }

    @Test
    void prodRefusesToStartWithAClockOffset() throws Exception {
        Path log = dir.resolve("offset.log");
        assertThatThrownBy(() -> ServiceProcess.start(
                        log,
                        "statelock.testing.clock-offset=PT0.2S",
                        "statelock.embedded.data-dir=" + dir.resolve("b")))
                .isInstanceOf(IOException.class);
        assertThat(Files.readString(log)).contains("refusing to start").contains("clock-offset");
    }

    @Test
    void theProductionBuildCarriesNoBrokenFenceCheckEvenUnderTheHarnessProfile() throws Exception {
        Path log = dir.resolve("production-build.log");
        assertThatThrownBy(() -> ServiceProcess.start(
                        log,
                        "quarkus.profile=harness",
                        "statelock.testing.skip-fence-check=true",
                        "statelock.embedded.data-dir=" + dir.resolve("d")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited");
        assertThat(Files.readString(log))
                .contains("needs the safety harness's build of the service")
                .doesNotContain("BROKEN ON PURPOSE");
    }

    @Test
    void theHarnessProfileStartsAndSaysSoLoudly() throws Exception {
        Path log = dir.resolve("harness.log");
        try (ServiceProcess service = ServiceProcess.start(
                ServiceProcess.harnessJar(),
                java.util.List.of(),
                LoopbackServer.freePort(),
                log,
                "quarkus.profile=harness",
                "statelock.testing.skip-fence-check=true",
                "statelock.testing.clock-offset=PT-0.3S",
                "statelock.embedded.data-dir=" + dir.resolve("c"))) {
            assertThat(service.pid()).isPositive();
        }
        assertThat(Files.readString(log)).contains("BROKEN ON PURPOSE").contains("clock is offset by PT-0.3S");
    }
}
