package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service dies (kill -9) while `statelock run` holds a lease. */
class ServiceOutageIT {
    @TempDir
    Path dir;

    @Test
    void childIsStoppedBeforeTheTtlRunsOut() throws Exception {
        Path alive = dir.resolve("alive");
        Path childPid = dir.resolve("child.pid");
        long ttlMs = 3000;
        try (StatelockService service = StatelockService.start()) {
            Cli cli = new Cli(dir, service.addr());
            // The child stamps the wall clock (ms) every 50 ms while it lives.
            Cli.Run run = cli.start(
                    "run",
                    "--key",
                    "it/outage/" + System.nanoTime(),
                    "--ttl",
                    "3s",
                    "--kill-grace",
                    "5s",
                    "--",
                    "sh",
                    "-c",
                    "echo $$ > " + childPid + "; while :; do date +%s%3N >> " + alive + "; sleep 0.05; done");
            long child = CliIT.awaitPid(childPid);
            Thread.sleep(2500); // a few renewals
            long killedAt = System.currentTimeMillis();
            service.kill();
            int code = run.await(Duration.ofSeconds(20));
            long exitedAt = System.currentTimeMillis();
            assertEquals(76, code, run.toString());
            assertFalse(CliIT.alive(child));

            List<String> stamps = Files.readAllLines(alive);
            long lastAlive = Long.parseLong(stamps.get(stamps.size() - 1).trim());
            // Every renewal the service accepted was received before the kill, so the service's own
            // expiry is at most killedAt + ttl: the child must be gone before that.
            assertTrue(
                    lastAlive < killedAt + ttlMs,
                    "child still ran " + (lastAlive - killedAt) + " ms after the kill (ttl " + ttlMs + " ms)");
            System.out.printf(
                    "outage: child stopped %d ms after the service was killed (ttl %d ms), run exited after %d ms%n",
                    lastAlive - killedAt, ttlMs, exitedAt - killedAt);
            assertTrue(run.stderr().contains(" lost"), run.toString());
        }
    }
}
