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
 * written: a 256 MiB state never sits in memory whole. Closing deletes the file.
 * Not thread-safe: one writer (a gRPC call's serialized callbacks, or one worker) at a time.
 */
public final class Spool implements AutoCloseable {
    private static final int COPY_BUFFER = 64 * 1024;

    private final Path file;
    private final OutputStream out;
    private final MessageDigest sha256 = digest("SHA-256");
    private final MessageDigest md5 = digest("MD5");
    private long size;
    private String sha256Hex;
    private String md5Hex;

    private Spool(Path file) throws IOException {
        this(file, new BufferedOutputStream(Files.newOutputStream(file), COPY_BUFFER));
    }

    private Spool(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Takes over a file already written (e.g. by a non-blocking HTTP body pipe) and hashes it in one
     * read pass; closing the spool deletes it.
     */
    public static Spool adopt(Path file) {
        Spool spool = new Spool(file, OutputStream.nullOutputStream());
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[COPY_BUFFER];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                spool.sha256.update(buffer, 0, n);
                spool.md5.update(buffer, 0, n);
                spool.size += n;
            }
        } catch (IOException e) {
            spool.close();
            throw new UncheckedIOException("cannot read spooled state " + file, e);
        }
        spool.finish();
        return spool;
    }

    /** A new empty spool file in {@code dir}. */
    public static Spool create(Path dir) {
        try {
            Files.createDirectories(dir);
            return new Spool(Files.createTempFile(dir, "state-", ".spool"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spool file in " + dir, e);
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
            throw e instanceof IOException io ? new UncheckedIOException("cannot read stored state", io)
                    : (RuntimeException) e;
        }
    }

    public void write(byte[] bytes, int offset, int length) {
        if (sha256Hex != null) throw new IllegalStateException("spool already finished");
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write spool file " + file, e);
        }
        sha256.update(bytes, offset, length);
        md5.update(bytes, offset, length);
        size += length;
    }

    /** Ends writing: the digests are final from here on. */
    public void finish() {
        if (sha256Hex != null) return;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write spool file " + file, e);
        }
        sha256Hex = HexFormat.of().formatHex(sha256.digest());
        md5Hex = HexFormat.of().formatHex(md5.digest());
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

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JRE", e);
        }
    }
}
