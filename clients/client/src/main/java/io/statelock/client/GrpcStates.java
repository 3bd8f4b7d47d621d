package io.statelock.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Objects;

/** The gRPC {@link States}: fenced writes ({@link StateUpload}) and reads ({@link StateDownload}). */
final class GrpcStates implements States {
    private final ClientCore core;

    GrpcStates(ClientCore core) {
        this.core = core;
    }

    @Override
    public StateVersion put(LeaseRef lease, InputStream state) {
        Objects.requireNonNull(state, "state");
        return StateUpload.run(core, Objects.requireNonNull(lease, "lease"), state, "");
    }

    @Override
    public StateVersion put(LeaseRef lease, Path state) {
        Objects.requireNonNull(lease, "lease");
        MessageDigest digest = Sha256.digest();
        InputStream in;
        try {
            try (InputStream first = new DigestInputStream(Files.newInputStream(state), digest)) {
                first.transferTo(OutputStream.nullOutputStream());
            }
            in = Files.newInputStream(state);
        } catch (IOException e) {
            throw new StatelockException(
                    "CLIENT", "cannot read " + state + ": " + e.getMessage() + "; nothing was sent", e);
        }
        try {
            // The digest goes ahead: a file changed between the two reads is refused, nothing stored.
            return StateUpload.run(core, lease, in, Sha256.hex(digest));
        } finally {
            closeQuietly(in);
        }
    }

    @Override
    public StateVersion put(LeaseRef lease, byte[] state) {
        Objects.requireNonNull(lease, "lease");
        return StateUpload.run(core, lease, new ByteArrayInputStream(state), Sha256.hex(state));
    }

    @Override
    public StateStream get(String key) {
        return StateDownload.open(core, key);
    }

    @Override
    public StateVersion get(String key, OutputStream out) {
        Objects.requireNonNull(out, "out");
        boolean[] written = new boolean[1];
        return StateDownload.copy(core, key, new StateDownload.Sink() {
            @Override
            public void write(byte[] bytes) throws IOException {
                written[0] = true;
                out.write(bytes);
            }

            @Override
            public boolean restart() {
                return !written[0];
            }
        });
    }

    @Override
    public StateVersion get(String key, Path target) {
        Path temp;
        try {
            temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new StatelockException("CLIENT", "cannot create a file next to " + target + ": " + e.getMessage(), e);
        }
        try {
            StateVersion version;
            try (FileChannel file = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                version = StateDownload.copy(core, key, new StateDownload.Sink() {
                    @Override
                    public void write(byte[] bytes) throws IOException {
                        ByteBuffer b = ByteBuffer.wrap(bytes);
                        while (b.hasRemaining()) {
                            file.write(b);
                        }
                    }

                    @Override
                    public boolean restart() throws IOException {
                        file.truncate(0);
                        file.position(0);
                        return true;
                    }
                });
                file.force(true);
            }
            moveOver(temp, target);
            return version;
        } catch (IOException e) {
            throw new StatelockException("CLIENT", "cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp); // gone after the move; a failed read leaves nothing behind
            } catch (IOException e) {
                // Only a stray temporary file is left.
            }
        }
    }

    private static void moveOver(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // A file opened for reading: nothing was lost.
        }
    }

    @Override
    public StateSnapshot getBytes(String key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StateVersion version = StateDownload.copy(core, key, new StateDownload.Sink() {
            @Override
            public void write(byte[] chunk) {
                bytes.writeBytes(chunk);
            }

            @Override
            public boolean restart() {
                bytes.reset();
                return true;
            }
        });
        return new StateSnapshot(version, bytes.toByteArray());
    }
}
