package io.statelock.client;

import io.grpc.Context;
import io.statelock.proto.v1.GetStateResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Iterator;

/**
 * A key's state being read: its {@link #version()} at once, its bytes as they arrive, a chunk (at
 * most 1 MiB) at a time. The end of the stream checks the bytes against the version's digest and
 * throws {@code IOException} when they differ; a failed call is an {@code IOException} with the
 * {@link StatelockException} as its cause. {@link #close()} before the end cancels the call. Not
 * thread-safe, like any {@code InputStream}.
 */
public final class StateStream extends InputStream {
    private final StateVersion version;
    private final Iterator<GetStateResponse> parts;
    /** Cancels the call; cancelled at the end too (harmless then). */
    private final Context.CancellableContext call;

    private final MessageDigest digest = Sha256.digest();
    private byte[] chunk = new byte[0];
    private int pos;
    private boolean ended;
    private boolean closed;
    private IOException failure;

    StateStream(StateVersion version, Iterator<GetStateResponse> parts, Context.CancellableContext call) {
        this.version = version;
        this.parts = parts;
        this.call = call;
    }

    /** The version being read, as the service recorded it (size, digest, writer's fencing token). */
    public StateVersion version() {
        return version;
    }

    @Override
    public int read() throws IOException {
        if (!closed && pos < chunk.length) {
            return chunk[pos++] & 0xff;
        }
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("the state stream of " + version.key() + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        // Empty chunks are skipped: only the end of the call ends the stream.
        while (pos == chunk.length) {
            if (!nextChunk()) {
                return -1;
            }
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return chunk.length - pos;
    }

    /** Takes the next chunk; false at the end of the call, after the digest was checked. */
    private boolean nextChunk() throws IOException {
        // A failed read or digest fails every later read too: never a clean end after bad bytes.
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return false;
        }
        try {
            if (!parts.hasNext()) {
                ended = true;
                call.cancel(null);
                String got = Sha256.hex(digest);
                // An empty digest (none recorded) checks nothing; any other must match the bytes read.
                if (!version.sha256().isEmpty() && !version.sha256().equalsIgnoreCase(got)) {
                    failure = new IOException(
                            "the state of " + version.key() + " read as sha256 " + got + ", but version "
                                    + version.version() + " is " + version.sha256() + ": do not use these bytes");
                    throw failure;
                }
                return false;
            }
            GetStateResponse part = parts.next();
            if (!part.hasChunk()) {
                throw new StatelockException(
                        "INTERNAL", "GetState of " + version.key() + " sent a second header", null);
            }
            chunk = part.getChunk().toByteArray();
            pos = 0;
            digest.update(chunk);
            return true;
        } catch (RuntimeException e) {
            ended = true;
            call.cancel(null);
            StatelockException decoded = Errors.decode(e);
            failure = new IOException(
                    "reading the state of " + version.key() + " failed: " + decoded.getMessage(), decoded);
            throw failure;
        }
    }

    /** Ends the call (if it has not ended) and drops what was not read. Idempotent. */
    @Override
    public void close() {
        closed = true;
        chunk = new byte[0];
        pos = 0;
        call.cancel(null);
    }
}
