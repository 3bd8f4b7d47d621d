package io.statelock.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * This process's own directory for temporary files under a directory that several processes may share (the spool
 * directory, the filesystem store's part files): {@code <shared>/p-<random>/}, with a {@code .lock} file this process
 * holds a lock on for as long as it runs. A process that died (kill -9, a crash, a lost machine) leaves its
 * directory behind with nobody holding the lock; the next process to claim one under the same shared directory
 * takes that lock, which proves the owner gone, and deletes the directory. A directory whose lock is held, by
 * another process or by this one, is left alone, and so is one younger than {@link #START_GRACE_MS}. Loose files of
 * the older flat layout are reclaimed once they are older than {@code looseAge} (nothing holds a lock on them, so
 * only their age can tell). The shared directory must be on a filesystem with POSIX locks (a local disk, a volume
 * of a container); on NFS mounted {@code nolock} every host would take the others' directories for dead.
 */
public final class ProcessDirectory implements AutoCloseable {
    static final String PREFIX = "p-";
    static final String LOCK = ".lock";
    /**
     * A directory (or lock file) younger than this may belong to a process starting right now, between creating it and
     * locking it: it is left alone. A start takes milliseconds from mkdir to lock; a minute is ample.
     */
    static final long START_GRACE_MS = 60_000;
    /**
     * The lock files this JVM holds. Never opened again here: closing any descriptor of a file drops every POSIX lock
     * the process holds on it, so even a look would free another instance's directory for other processes.
     */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final int reclaimed;

    private ProcessDirectory(Path dir, FileChannel channel, FileLock lock, int reclaimed) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
        this.reclaimed = reclaimed;
    }

    /**
     * Claims a new directory under {@code shared}, first reclaiming what dead processes left there, and the loose
     * files matching {@code looseGlob} older than {@code looseAgeMs}.
     */
    public static ProcessDirectory claim(Path shared, String looseGlob, long looseAgeMs, long nowMs) {
        try {
            Files.createDirectories(shared);
            int reclaimed = reclaimDead(shared, nowMs) + reclaimLoose(shared, looseGlob, looseAgeMs, nowMs);
            Path dir = shared.resolve(PREFIX + UUID.randomUUID());
            Files.createDirectories(dir);
            FileChannel channel =
                    FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("cannot lock the new directory " + dir);
            }
            HELD.add(dir.resolve(LOCK).toAbsolutePath().normalize());
            return new ProcessDirectory(dir, channel, lock, reclaimed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the temporary directory under " + shared, e);
        }
    }

    /** Where this process writes its temporary files. */
    public Path dir() {
        return dir;
    }

    /** How many dead processes' directories and loose files were deleted when this one was claimed. */
    public int reclaimed() {
        return reclaimed;
    }

    /** Lets the directory go: its files are deleted, so a clean stop leaves nothing behind either. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
        HELD.remove(dir.resolve(LOCK).toAbsolutePath().normalize());
        deleteTree(dir);
    }

    private static int reclaimDead(Path shared, long nowMs) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(shared, PREFIX + "*")) {
            for (Path d : dirs) {
                if (Files.isDirectory(d) && ownerGone(d, nowMs)) {
                    deleteTree(d);
                    n++;
                }
            }
        }
        return n;
    }

    /** True when nobody holds the directory's lock (taken and released here), or it never got one. */
    private static boolean ownerGone(Path d, long nowMs) {
        Path lockFile = d.resolve(LOCK);
        if (HELD.contains(lockFile.toAbsolutePath().normalize())) return false; // this JVM's own
        if (!Files.exists(lockFile)) return ageMs(d, nowMs) > START_GRACE_MS; // never locked: dead only once old
        // Young: perhaps created a moment ago and not locked yet; taking its lock now would break that start.
        if (ageMs(lockFile, nowMs) <= START_GRACE_MS) return false;
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return false; // another process holds it: alive
            l.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this process holds it (another service instance in the same JVM)
        } catch (IOException e) {
            return false; // cannot tell: keep it
        }
    }

    private static int reclaimLoose(Path shared, String glob, long looseAgeMs, long nowMs) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shared, glob)) {
            for (Path f : files) {
                if (Files.isRegularFile(f)
                        && nowMs - Files.getLastModifiedTime(f).toMillis() > looseAgeMs) {
                    Files.deleteIfExists(f);
                    n++;
                }
            }
        }
        return n;
    }

    private static long ageMs(Path p, long nowMs) {
        try {
            return nowMs - Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> all = Files.walk(d)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // what cannot be deleted now is tried again at the next start
                }
            });
        } catch (IOException ignored) {
            // gone already, or unreadable: nothing more to do here
        }
    }
}
