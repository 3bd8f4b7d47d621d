package io.statelock.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary files under a directory several processes share: a live process's directory is never touched, a
 * killed one's (kill -9: its lock went with it) is reclaimed by the next process to start, and loose files of the
 * flat layout only once they are old.
 */
class ProcessDirectoryTest {
    private static final long HOUR = 3_600_000;

    @TempDir
    Path shared;

    /** A child JVM: claims a directory, leaves a spooled file in it, says where, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        ProcessDirectory dir =
                ProcessDirectory.claim(Path.of(args[0]), "state-*.spool", HOUR, System.currentTimeMillis());
        Files.write(dir.dir().resolve("state-1.spool"), new byte[1024]);
        System.out.println(dir.dir());
        System.out.flush();
        Thread.sleep(120_000);
    }

    @Test
    void aKilledProcesssDirectoryIsReclaimedAndALiveOnesIsNot() throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ProcessDirectoryTest.class.getName(),
                        shared.toString())
                .redirectErrorStream(true)
                .start();
        try {
            String childDir = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertThat(childDir).as("the child's directory").isNotNull();
            Path theirs = Path.of(childDir);
            // Past the start grace: only its lock tells whether it is alive.
            Files.setLastModifiedTime(
                    theirs.resolve(ProcessDirectory.LOCK),
                    FileTime.fromMillis(System.currentTimeMillis() - 2 * ProcessDirectory.START_GRACE_MS));

            try (ProcessDirectory mine =
                    ProcessDirectory.claim(shared, "state-*.spool", HOUR, System.currentTimeMillis())) {
                assertThat(mine.reclaimed()).isZero();
                assertThat(theirs.resolve("state-1.spool"))
                        .as("a live process's spool")
                        .exists();
            }

            child.destroyForcibly(); // kill -9: no shutdown hook, no clean-up
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (ProcessDirectory next =
                    ProcessDirectory.claim(shared, "state-*.spool", HOUR, System.currentTimeMillis())) {
                assertThat(next.reclaimed()).isEqualTo(1);
                assertThat(theirs).as("the killed process's directory").doesNotExist();
                assertThat(next.dir()).exists();
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void anUnlockedDirectoryYoungerThanTheStartGraceIsLeftAlone() throws Exception {
        // A process between creating its directory and locking it looks just like this.
        Path starting = Files.createDirectories(shared.resolve(ProcessDirectory.PREFIX + "starting"));
        Files.write(starting.resolve(ProcessDirectory.LOCK), new byte[0]);
        try (ProcessDirectory d = ProcessDirectory.claim(shared, "state-*.spool", HOUR, System.currentTimeMillis())) {
            assertThat(d.reclaimed()).isZero();
            assertThat(starting).exists();
        }
    }

    @Test
    void twoInstancesInOneProcessLeaveEachOthersFilesAlone() throws Exception {
        try (ProcessDirectory a = ProcessDirectory.claim(shared, "state-*.spool", HOUR, System.currentTimeMillis())) {
            Files.write(a.dir().resolve("state-a.spool"), new byte[10]);
            // Past the start grace, so only the JVM's own record of its locks keeps b's claim away from a's directory.
            Files.setLastModifiedTime(
                    a.dir().resolve(ProcessDirectory.LOCK),
                    FileTime.fromMillis(System.currentTimeMillis() - 2 * ProcessDirectory.START_GRACE_MS));
            try (ProcessDirectory b =
                    ProcessDirectory.claim(shared, "state-*.spool", HOUR, System.currentTimeMillis())) {
                assertThat(b.reclaimed()).isZero();
                assertThat(a.dir().resolve("state-a.spool")).exists();
            }
        }
        try (var left = Files.list(shared)) {
            assertThat(left).as("a clean stop leaves nothing").isEmpty();
        }
    }

    @Test
    void looseFilesOfTheFlatLayoutGoOnlyOnceOld() throws Exception {
        long now = System.currentTimeMillis();
        Path old = Files.write(shared.resolve("state-old.spool"), new byte[10]);
        Files.setLastModifiedTime(old, FileTime.fromMillis(now - 2 * HOUR));
        Path fresh = Files.write(shared.resolve("state-fresh.spool"), new byte[10]);
        Path other = Files.write(shared.resolve("notes.txt"), new byte[10]);
        Files.setLastModifiedTime(other, FileTime.fromMillis(now - 2 * HOUR));
        try (ProcessDirectory d = ProcessDirectory.claim(shared, "state-*.spool", HOUR, now)) {
            assertThat(d.reclaimed()).isEqualTo(1);
        }
        assertThat(old).doesNotExist();
        assertThat(fresh).exists();
        assertThat(other).as("not a spool file: not ours to delete").exists();
    }
}
