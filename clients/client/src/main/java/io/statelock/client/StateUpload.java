package io.statelock.client;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.statelock.proto.v1.PutStateCommit;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.PutStateRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One {@code PutState} call fed from a stream: the header, then chunks of at most 1 MiB, each read
 * only when flow control takes it, so a state of any size costs one chunk of memory, then the commit
 * (size and digest of what was sent), the only thing that makes the service store a version. One attempt,
 * never retried: a write whose answer was lost may have landed, and writing it again under the same
 * fence could be taken for a new write; such a failure is a {@link WriteOutcomeUnknownException}.
 */
final class StateUpload implements ClientResponseObserver<PutStateRequest, io.statelock.proto.v1.StateVersion> {
    /** The service takes chunks of at most 1 MiB. */
    static final int CHUNK = 1 << 20;
    /**
     * While flow control holds the next chunk, re-check this often (the ready handler also wakes
     * the sender; the poll only bounds a missed wake-up, it never lets more through).
     */
    private static final long READY_POLL_MS = 100;

    private final CompletableFuture<io.statelock.proto.v1.StateVersion> answer = new CompletableFuture<>();
    /** Wakes the sender when flow control opens or the call ends. */
    private final Object ready = new Object();

    private ClientCallStreamObserver<PutStateRequest> requests;

    private StateUpload() {}

    /**
     * Writes {@code state} (read to its end) under {@code lease}. {@code sha256} goes ahead in the
     * header when known (the service then stores nothing unless the bytes hash to it); when empty, the
     * service's digest of what it stored is checked against the client's of what it sent.
     */
    static StateVersion run(ClientCore core, LeaseRef lease, InputStream state, String sha256) {
        StateUpload upload = new StateUpload();
        core.states().withOption(ClientCore.UNDER_LEASE, true).putState(upload);
        return upload.send(lease, state, sha256);
    }

    private StateVersion send(LeaseRef lease, InputStream state, String sha256) {
        String key = lease.key();
        requests.onNext(PutStateRequest.newBuilder()
                .setHeader(PutStateHeader.newBuilder()
                        .setKey(key)
                        .setLeaseId(lease.leaseId())
                        .setFencingToken(lease.fencingToken())
                        .setSha256(sha256))
                .build());
        MessageDigest digest = Sha256.digest();
        byte[] buffer = new byte[CHUNK];
        long size = 0;
        try {
            // Stops early when the call ended (e.g. the service refused the writer at the header).
            while (awaitReady()) {
                int n = state.readNBytes(buffer, 0, CHUNK);
                if (n == 0) {
                    break;
                }
                digest.update(buffer, 0, n);
                size += n;
                requests.onNext(PutStateRequest.newBuilder()
                        .setChunk(ByteString.copyFrom(buffer, 0, n))
                        .build());
            }
        } catch (IOException | RuntimeException e) {
            // Not half-closed yet: the cancelled call cannot be stored, so the outcome is known.
            requests.cancel("cannot read the state to write", e);
            throw new StatelockException(
                    "CLIENT",
                    "cannot read the state to write to " + key + " (" + e.getMessage() + "); nothing was stored",
                    e);
        } catch (InterruptedException e) {
            requests.cancel("interrupted", e);
            Thread.currentThread().interrupt();
            throw new StatelockException(
                    "CANCELLED", "interrupted while sending the state of " + key + "; nothing was stored", e);
        }
        String sent = Sha256.hex(digest);
        // The commit is the upload's end: without it the service stores nothing, so a cancel before this line
        // (a CI job stopped mid-upload) leaves no cut state behind.
        if (!answer.isDone()) {
            requests.onNext(PutStateRequest.newBuilder()
                    .setCommit(PutStateCommit.newBuilder().setSize(size).setSha256(sent))
                    .build());
            requests.onCompleted();
        }
        io.statelock.proto.v1.StateVersion stored;
        try {
            stored = answer.get();
        } catch (ExecutionException e) {
            throw Errors.decodeWrite(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteOutcomeUnknownException("CANCELLED", "interrupted while writing the state of " + key, e);
        }
        // With a digest in the header the service checked it; without, compare (an empty answer checks nothing).
        if (sha256.isEmpty()
                && !stored.getSha256().isEmpty()
                && !stored.getSha256().equalsIgnoreCase(sent)) {
            throw new StatelockException(
                    "DATA_LOSS",
                    "the service stored version " + stored.getVersion() + " of " + key + " with sha256 "
                            + stored.getSha256() + ", but the client sent " + sent + ": write it again",
                    null);
        }
        return Convert.stateVersion(stored);
    }

    /** Waits until flow control takes another message; false when the call has ended. */
    private boolean awaitReady() throws InterruptedException {
        synchronized (ready) {
            while (!answer.isDone() && !requests.isReady()) {
                ready.wait(READY_POLL_MS);
            }
            return !answer.isDone();
        }
    }

    private void wake() {
        synchronized (ready) {
            ready.notifyAll();
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<PutStateRequest> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(this::wake);
    }

    @Override
    public void onNext(io.statelock.proto.v1.StateVersion v) {
        answer.complete(v);
        wake();
    }

    @Override
    public void onError(Throwable t) {
        answer.completeExceptionally(t);
        wake();
    }

    @Override
    public void onCompleted() {
        answer.completeExceptionally(new StatelockException("INTERNAL", "PutState ended without a version", null));
        wake();
    }
}
