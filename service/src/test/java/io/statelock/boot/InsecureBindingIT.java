package io.statelock.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged service refuses to start with authentication off on a non-loopback address. */
class InsecureBindingIT {
    @TempDir
    Path dir;

    @Test
    void refusesToStartWithAuthOffOnAllInterfaces() throws Exception {
        Path log = dir.resolve("refused.log");
        assertThatThrownBy(() -> ServiceProcess.start(
                        log, "quarkus.http.host=0.0.0.0", "statelock.embedded.data-dir=" + dir.resolve("a")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited");
        assertThat(Files.readString(log)).contains("refusing to start").contains("statelock.auth.mode=none");
    }

    @Test
    void startsWhenToldExplicitlyAndSaysSoLoudly() throws Exception {
        Path log = dir.resolve("insecure.log");
        try (ServiceProcess service = ServiceProcess.start(
                log,
                "quarkus.http.host=0.0.0.0",
                "statelock.auth.allow-insecure=true",
                "statelock.embedded.data-dir=" + dir.resolve("b"))) {
            assertThat(service.pid()).isPositive();
        }
        assertThat(Files.readString(log)).contains("INSECURE: authentication is off");
    }
}
