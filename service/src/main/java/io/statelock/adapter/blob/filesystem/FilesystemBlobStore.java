package io.statelock.adapter.blob.filesystem;

import io.statelock.common.StoreUnavailableException;
import io.statelock.state.ProcessDirectory;
import io.statelock.state.port.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * State objects as files under one directory, named like the S3 objects ({@code <key>/~v/<token>-<random>}),
 * so an operator can read them with {@code cat}. Written to a temporary file, fsynced, then linked
 * to the final name (a link fails when the name exists: never overwritten).
 */
public final class FilesystemBlobStore implements BlobStore {
    private static final String TMP = "~tmp";

    /** A part file lives only for one write (seconds): one left by the flat layout and older than this is garbage. */
    private static final long LOOSE_PART_AGE_MS = 60L * 60 * 1000;

    private final Path root;
    /** This process's part files, under {@code ~tmp}; a dead process's are reclaimed when the next one starts. */
    private final ProcessDirectory parts;

    public FilesystemBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root.resolve(TMP));
            parts = ProcessDirectory.claim(
                    this.root.resolve(TMP), "*.part", LOOSE_PART_AGE_MS, System.currentTimeMillis());
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException(
                    "cannot create the state directory " + this.root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void create(String name, Path file) {
        Path target = resolve(name);
        Path tmp = parts.dir().resolve(UUID.randomUUID() + ".part");
        try {
            Files.createDirectories(target.getParent());
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true); // durable before the pointer can name it (docs/design.md#invariant-4)
            }
            Files.createLink(target, tmp);
            fsyncDirectory(target.getParent());
        } catch (FileAlreadyExistsException e) {
            requireSameBytes(name, file, target, e);
        } catch (IOException e) {
            throw unavailable("write " + name, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover part file is garbage, never named by any version
            }
        }
    }

    /**
     * A taken name: nothing here retries a write by itself (one process, no transport), but the port's rule is
     * the S3 store's: the same bytes already there are this write's own; other bytes are refused, left alone.
     */
    private void requireSameBytes(String name, Path file, Path target, FileAlreadyExistsException taken) {
        try {
            if (Files.mismatch(file, target) == -1) return;
        } catch (IOException e) {
            throw unavailable("compare " + name, e);
        }
        throw new StoreUnavailableException(
                "state directory " + root + ": object " + name
                        + " already exists with other bytes; nothing stored, retry the write (it takes a new name)",
                taken);
    }

    @Override
    public Optional<InputStream> open(String name) {
        try {
            return Optional.of(Files.newInputStream(resolve(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable("read " + name, e);
        }
    }

    @Override
    public void delete(String name) {
        try {
            Files.deleteIfExists(resolve(name));
        } catch (IOException e) {
            throw unavailable("delete " + name, e);
        }
    }

    @Override
    public List<Entry> list(String prefix) {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(p -> {
                String name = root.relativize(p).toString().replace('\\', '/');
                // The temp area and foreign files are not objects.
                if (name.startsWith(TMP + "/") || !name.startsWith(prefix)) return;
                try {
                    entries.add(new Entry(name, Files.getLastModifiedTime(p).toMillis()));
                } catch (IOException e) {
                    // deleted while listing: nothing to collect
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new StoreUnavailableException("state directory " + root + ": cannot list: " + e.getMessage(), e);
        }
        return entries;
    }

    @Override
    public void checkReady() {
        // Writable, not just present: a read-only mount would fail every state write.
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            throw new StoreUnavailableException("state directory " + root + " is missing or not writable", null);
        }
    }

    @Override
    public OptionalLong usableSpace() {
        return OptionalLong.of(root.toFile().getUsableSpace());
    }

    private Path resolve(String name) {
        Path p = root.resolve(name).normalize();
        // Names come from keys, which cannot contain '..'; refuse anything that would leave the root anyway.
        if (!p.startsWith(root) || p.equals(root)) throw new IllegalArgumentException("bad object name " + name);
        return p;
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every filesystem lets a directory be opened; the file itself is synced
        }
    }

    private StoreUnavailableException unavailable(String what, IOException e) {
        return new StoreUnavailableException("state directory " + root + ": cannot " + what + ": " + e.getMessage(), e);
    }
}
