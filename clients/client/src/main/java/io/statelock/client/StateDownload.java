package io.statelock.client;

import io.grpc.Context;
import io.statelock.proto.v1.GetStateRequest;
import io.statelock.proto.v1.GetStateResponse;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Iterator;

/**
 * {@code GetState} calls: the header, then the chunks, each handed on as it arrives and hashed;
 * the digest is checked at the end. A read changes nothing, so {@code UNAVAILABLE} is retried, as
 * long as the sink can start over.
 */
final class StateDownload {
    /** Where a read's bytes go. */
    interface Sink {
        void write(byte[] bytes) throws IOException;

        /** Drops what was written, for a retry; false when it cannot (the bytes were handed on). */
        boolean restart() throws IOException;
    }

    private StateDownload() {}

    /** Opens a read of the key's state, retried until its header arrived (before any byte is handed on). */
    static StateStream open(ClientCore core, String key) {
        GetStateRequest request = GetStateRequest.newBuilder().setKey(key).build();
        return core.retries.call(
                () -> {
                    Context.CancellableContext call = Context.current().withCancellation();
                    try {
                        // Started under the cancellable context: closing the stream cancels the call.
                        Iterator<GetStateResponse> parts =
                                call.call(() -> core.statesBlocking().getState(request));
                        return new StateStream(header(key, parts), parts, call);
                    } catch (RuntimeException e) {
                        call.cancel(null);
                        throw e;
                    } catch (Exception e) {
                        call.cancel(null);
                        throw new IllegalStateException(e); // Context.call's checked signature; the stub throws none
                    }
                },
                Long.MAX_VALUE);
    }

    /**
     * Copies the key's state into {@code sink}. A retryable failure is retried when the sink can
     * start over, else thrown as {@link StatelockUnavailableException} saying that part was written.
     */
    static StateVersion copy(ClientCore core, String key, Sink sink) {
        GetStateRequest request = GetStateRequest.newBuilder().setKey(key).build();
        RuntimeException[] partial = new RuntimeException[1];
        StateVersion version = core.retries.call(
                () -> {
                    try {
                        return copyOnce(core, key, request, sink);
                    } catch (RuntimeException e) {
                        // Only a failure worth retrying needs a fresh sink; one that cannot start over ends the read.
                        if (Errors.isRetryable(e) && !restart(sink, key)) {
                            partial[0] = e;
                            return null;
                        }
                        throw e;
                    }
                },
                Long.MAX_VALUE);
        if (partial[0] != null) {
            StatelockException e = Errors.decode(partial[0]);
            throw new StatelockUnavailableException(
                    e.code(),
                    "reading the state of " + key + " failed after part of it was written to the output: "
                            + e.getMessage(),
                    e);
        }
        return version;
    }

    private static StateVersion copyOnce(ClientCore core, String key, GetStateRequest request, Sink sink) {
        Context.CancellableContext call = Context.current().withCancellation();
        try {
            Iterator<GetStateResponse> parts =
                    call.call(() -> core.statesBlocking().getState(request));
            StateVersion version = header(key, parts);
            MessageDigest digest = Sha256.digest();
            while (parts.hasNext()) {
                GetStateResponse part = parts.next();
                if (!part.hasChunk()) {
                    throw new StatelockException("INTERNAL", "GetState of " + key + " sent a second header", null);
                }
                byte[] bytes = part.getChunk().toByteArray();
                digest.update(bytes);
                try {
                    sink.write(bytes);
                } catch (IOException e) {
                    throw new StatelockException(
                            "CLIENT", "cannot write the state of " + key + ": " + e.getMessage(), e);
                }
            }
            String got = Sha256.hex(digest);
            // An empty digest (none recorded) checks nothing; any other must match the bytes read.
            if (!version.sha256().isEmpty() && !version.sha256().equalsIgnoreCase(got)) {
                throw new StatelockException(
                        "DATA_LOSS",
                        "the state of " + key + " read as sha256 " + got + ", but version " + version.version() + " is "
                                + version.sha256(),
                        null);
            }
            return version;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // Context.call's checked signature; the stub throws none
        } finally {
            call.cancel(null); // ends the call if it did not end (a failed sink); harmless after its end
        }
    }

    /** The first message: the version being read. */
    private static StateVersion header(String key, Iterator<GetStateResponse> parts) {
        GetStateResponse first = parts.hasNext() ? parts.next() : null;
        if (first == null || !first.hasHeader()) {
            throw new StatelockException("INTERNAL", "GetState of " + key + " answered without a header", null);
        }
        return Convert.stateVersion(first.getHeader());
    }

    private static boolean restart(Sink sink, String key) {
        try {
            return sink.restart();
        } catch (IOException e) {
            throw new StatelockException("CLIENT", "cannot start the read of " + key + " over: " + e.getMessage(), e);
        }
    }
}
