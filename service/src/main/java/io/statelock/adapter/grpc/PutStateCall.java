package io.statelock.adapter.grpc;

import io.grpc.stub.StreamObserver;
import io.statelock.common.InvalidArgumentException;
import io.statelock.common.LockKey;
import io.statelock.proto.v1.PutStateCommit;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.state.PutCommand;
import io.statelock.state.Spool;
import io.statelock.state.StateCoordinator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One PutState call: the header, then chunks spooled (and hashed) to a temporary file, then the commit,
 * then the fenced write at the end of the stream. Only a commit whose size matches the bytes that arrived
 * makes a version: the stream's end alone proves nothing, because the transport may report a reset, a
 * cut frame or a lost connection as an end (see docs in the proto). Whatever else ends the call deletes
 * the spool and is audited as refused. gRPC serializes the callbacks of one call, and flow control asks
 * for the next chunk only after this one is written, so memory stays at one chunk.
 */
final class PutStateCall implements StreamObserver<PutStateRequest> {
    /** The largest chunk accepted; clients should send at most 1 MiB. */
    static final int MAX_CHUNK = 4 * 1024 * 1024;

    private final StateCoordinator states;
    private final StreamObserver<io.statelock.proto.v1.StateVersion> responses;
    private final CallRunner calls;
    /** When the call began: the put is timed from the stream's start to its answer. */
    private final long start = System.nanoTime();

    private final BiConsumer<String, String> authorize;
    private final Consumer<io.statelock.state.StateVersion> stored;
    private final BiConsumer<String, String> refused;
    /**
     * Held by each callback and by the stream's end. The end comes on the event loop: it only tries the
     * lock, and when a callback holds it, that callback cleans up on its way out ({@link #afterStep}).
     */
    private final ReentrantLock step = new ReentrantLock();

    private volatile boolean streamGone;
    private PutCommand command;
    private Spool spool;
    private boolean committed;
    private boolean done; // answered or given up: the rest of the stream is ignored

    /**
     * {@code authorize(key, leaseId)} throws when the caller may not write the key (role per prefix,
     * lease's subject); {@code stored} hears of each accepted write and {@code refused(key, reason)} of each
     * upload given up after its header (the audit trail). The answer is timed and counted as
     * {@code put_state} by {@code calls}.
     */
    PutStateCall(
            StateCoordinator states,
            StreamObserver<io.statelock.proto.v1.StateVersion> responses,
            CallRunner calls,
            BiConsumer<String, String> authorize,
            Consumer<io.statelock.state.StateVersion> stored,
            BiConsumer<String, String> refused) {
        this.states = states;
        this.responses = responses;
        this.calls = calls;
        this.authorize = authorize;
        this.stored = stored;
        this.refused = refused;
    }

    /** The call's HTTP/2 stream is gone (reset or connection closed), whether or not gRPC says so. */
    void streamEnded() {
        streamGone = true;
        if (step.tryLock()) {
            try {
                abandon("the connection or stream closed before the commit");
            } finally {
                step.unlock();
            }
        }
    }

    @Override
    public void onNext(PutStateRequest request) {
        step.lock();
        try {
            if (done) return;
            receive(request);
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            afterStep();
        }
    }

    private void receive(PutStateRequest request) {
        if (command == null) {
            // The first message must be the header: nothing is spooled before the writer is known.
            if (!request.hasHeader())
                throw InvalidArgumentException.of("header", "the first message must be the header");
            PutStateHeader h = request.getHeader();
            authorize.accept(h.getKey(), h.getLeaseId());
            command = new PutCommand(new LockKey(h.getKey()), h.getLeaseId(), h.getFencingToken(), h.getSha256());
            states.checkWriter(command); // advisory, so a stale writer is stopped before it uploads
            spool = states.upload(-1); // size unknown: the limits are enforced as the chunks arrive
            return;
        }
        if (committed) throw uncommitted("a message arrived after the commit; the commit must be the last message");
        if (request.hasHeader()) throw InvalidArgumentException.of("header", "only the first message may be a header");
        if (request.hasCommit()) {
            commit(request.getCommit());
            return;
        }
        if (!request.hasChunk())
            throw InvalidArgumentException.of("chunk", "after the header every message must be a chunk or the commit");
        var chunk = request.getChunk();
        if (chunk.size() > MAX_CHUNK) throw InvalidArgumentException.of("chunk", "must be at most 1 MiB");
        byte[] bytes = chunk.toByteArray();
        spool.write(bytes, 0, bytes.length);
    }

    /** The client's word that the upload is whole, checked against what arrived. */
    private void commit(PutStateCommit commit) {
        if (commit.getSize() != spool.size()) {
            throw uncommitted("the commit announces " + Long.toUnsignedString(commit.getSize()) + " bytes but "
                    + spool.size() + " arrived");
        }
        String sha = commit.getSha256();
        if (!sha.isEmpty()) {
            if (!command.sha256().isEmpty() && !command.sha256().equalsIgnoreCase(sha)) {
                throw InvalidArgumentException.of(
                        "sha256", "the header and the commit name different digests; nothing stored");
            }
            command = new PutCommand(command.key(), command.leaseId(), command.fencingToken(), sha);
        }
        committed = true;
    }

    @Override
    public void onError(Throwable t) {
        step.lock();
        try {
            abandon("the client cancelled the upload before its end");
        } finally {
            step.unlock();
        }
    }

    @Override
    public void onCompleted() {
        step.lock();
        try {
            if (done) return;
            io.statelock.state.StateVersion version;
            try {
                if (command == null) throw InvalidArgumentException.of("header", "the stream had no header");
                if (!committed) throw uncommitted("the stream ended without a commit message (PutStateCommit)");
                version = states.put(command, spool);
            } catch (RuntimeException e) {
                fail(e);
                return;
            } finally {
                closeSpool();
            }
            done = true;
            stored.accept(version);
            try {
                responses.onNext(StateProtoMapper.version(version, states.fences()));
                responses.onCompleted();
                calls.succeeded("put_state", start);
            } catch (RuntimeException e) {
                // Stored: only the answer is lost (the client went away after its commit), never a refusal.
                calls.failed("put_state", e, start);
            }
        } finally {
            afterStep();
        }
    }

    private static InvalidArgumentException uncommitted(String why) {
        return InvalidArgumentException.of(
                "commit",
                why + "; nothing stored (clients must end an upload with a"
                        + " commit naming its size: update statelock clients older than the commit)");
    }

    private void fail(RuntimeException e) {
        if (command != null) refused.accept(command.key().value(), e.getMessage());
        done = true;
        closeSpool();
        responses.onError(calls.failed("put_state", e, start));
    }

    /** Gives the upload up without an answer (there is nobody to answer): nothing stored, audited. */
    private void abandon(String why) {
        if (done) return;
        done = true;
        closeSpool();
        if (command != null) refused.accept(command.key().value(), why + "; nothing stored");
    }

    /**
     * Lets the lock go, then handles a stream end that came while a callback held it: the end's own attempt failed
     * its tryLock, so it is retried here after the unlock (checked after, so an end that comes in between is seen).
     */
    private void afterStep() {
        step.unlock();
        if (streamGone && step.tryLock()) {
            try {
                abandon("the connection or stream closed before the commit");
            } finally {
                step.unlock();
            }
        }
    }

    private void closeSpool() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }
}
