package io.statelock.state;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * State bytes on their way in or out, in a temporary file, hashed (SHA-256 and MD5) as they are
 * written: a 256 MiB state never sits in memory whole. An upload spool enforces {@link StateLimits}
 * while it is written: the chunk that would cross the size limit is refused before it is written, and
 * the disk's free space is checked before the first byte and then every {@link #ROOM_CHECK_BYTES}.
 * Closing deletes the file.
 * Not thread-safe: one writer (a gRPC call's serialized callbacks, or one worker) at a time.
 */
public final class Spool implements AutoCloseable {
    /** How much is written between two looks at the disk's free space (one statvfs per 4 MiB, not per chunk). */
    static final long ROOM_CHECK_BYTES = 4L * 1024 * 1024;
    /** The disk a spool writes to, as messages name it (never its path: clients see these messages). */
    static final String DISK = "spool directory's disk";

    private static final int COPY_BUFFER = 64 * 1024;

    private final Path file;
    private final OutputStream out;
    private final StateLimits limits;
    private final MessageDigest sha256 = digest("SHA-256");
    private final MessageDigest md5 = digest("MD5");
    private long size;
    private long roomCheckedUpTo; // the free space was found sufficient for the bytes up to here
    private long reservation; // bytes promised to this spool by its limits and not yet written
    private String sha256Hex;
    private String md5Hex;

    private Spool(Path file, StateLimits limits) throws IOException {
        this.file = file;
        this.out = new BufferedOutputStream(Files.newOutputStream(file), COPY_BUFFER);
        this.limits = limits;
    }

    /** A new empty spool file in {@code dir}, without limits (bytes read back from the blob store). */
    public static Spool create(Path dir) {
        createDirectories(dir);
        return open(dir, StateLimits.NONE);
    }

    /**
     * A new empty spool for an incoming state write, within {@code limits}: refused at once when the
     * {@code declaredSize} (an HTTP Content-Length; -1 when unknown) is over the size limit or the disk has
     * no room for it above the free-space margin, so a refused body is never read.
     */
    public static Spool upload(Path dir, StateLimits limits, long declaredSize) {
        limits.requireSize(declaredSize);
        createDirectories(dir);
        // Room for the whole declared body, or at least for the bytes up to the next check.
        long room = Math.max(declaredSize, ROOM_CHECK_BYTES);
        long reserved = limits.reserve(DISK, dir, room);
        Spool spool;
        try {
            spool = open(dir, limits);
        } catch (RuntimeException e) {
            limits.unreserve(reserved);
            throw e;
        }
        spool.roomCheckedUpTo = room;
        spool.reservation = reserved;
        return spool;
    }

    private static Spool open(Path dir, StateLimits limits) {
        try {
            return new Spool(Files.createTempFile(dir, "state-", ".spool"), limits);
        } catch (IOException e) {
            throw failure(dir, e, 0, "cannot create a spool file in " + dir);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the spool directory " + dir, e);
        }
    }

    /** Copies a whole stream into a new spool and finishes it; closes the stream. */
    public static Spool copyOf(InputStream in, Path dir) {
        Spool spool = create(dir);
        try (in) {
            byte[] buffer = new byte[COPY_BUFFER];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                spool.write(buffer, 0, n);
            }
            spool.finish();
            return spool;
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e instanceof IOException io
                    ? new UncheckedIOException("cannot read stored state", io)
                    : (RuntimeException) e;
        }
    }

    /**
     * Appends bytes. Throws {@link StateTooLargeException} (nothing of this chunk written) when they would
     * take the spool over the size limit, {@link InsufficientStorageException} when the disk lacks room.
     */
    public void write(byte[] bytes, int offset, int length) {
        if (sha256Hex != null) throw new IllegalStateException("spool already finished");
        limits.requireSize(size + length);
        // Past the bytes the last look covered: look again, for this chunk and the next ROOM_CHECK_BYTES.
        if (size + length > roomCheckedUpTo) {
            reservation += limits.reserve(DISK, file.getParent(), length + ROOM_CHECK_BYTES);
            roomCheckedUpTo = size + length + ROOM_CHECK_BYTES;
        }
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw failure(file.getParent(), e, length, "cannot write spool file " + file);
        }
        sha256.update(bytes, offset, length);
        md5.update(bytes, offset, length);
        size += length;
        // Written bytes are on the disk now (or in its cache): they count there, no longer as a promise.
        long used = Math.min(length, reservation);
        reservation -= used;
        limits.unreserve(used);
    }

    /** Gives back what is left of this spool's promised room: nothing more will be written. */
    private void releaseReservation() {
        limits.unreserve(reservation);
        reservation = 0;
    }

    /** Ends writing: the digests are final from here on. */
    public void finish() {
        if (sha256Hex != null) return;
        try {
            out.close();
        } catch (IOException e) {
            throw failure(file.getParent(), e, COPY_BUFFER, "cannot write spool file " + file);
        }
        sha256Hex = HexFormat.of().formatHex(sha256.digest());
        md5Hex = HexFormat.of().formatHex(md5.digest());
        releaseReservation();
    }

    public Path file() {
        return file;
    }

    public long size() {
        return size;
    }

    /** Lowercase hex; only after {@link #finish()}. */
    public String sha256() {
        if (sha256Hex == null) throw new IllegalStateException("spool not finished");
        return sha256Hex;
    }

    /** Lowercase hex; only after {@link #finish()}. */
    public String md5() {
        if (md5Hex == null) throw new IllegalStateException("spool not finished");
        return md5Hex;
    }

    @Override
    public void close() {
        releaseReservation();
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is deleted next anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is harmless; the OS temp cleaner removes it
        }
    }

    /**
     * A failed write: the disk is full when it has no room for the {@code bytes} that failed (the JDK names
     * ENOSPC only in the message), any other I/O error stays one.
     */
    private static RuntimeException failure(Path dir, IOException e, long bytes, String what) {
        // Less free than the failed write needed: full, however the OS worded it.
        if (dir.toFile().getUsableSpace() < Math.max(bytes, 1)) return InsufficientStorageException.full(DISK, e);
        return new UncheckedIOException(what, e);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JRE", e);
        }
    }
}
