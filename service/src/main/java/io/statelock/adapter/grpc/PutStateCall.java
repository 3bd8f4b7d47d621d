package io.statelock.adapter.grpc;

import io.grpc.stub.StreamObserver;
import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LockKey;
import io.statelock.proto.v1.PutStateHeader;
import io.statelock.proto.v1.PutStateRequest;
import io.statelock.state.PutCommand;
import io.statelock.state.Spool;
import io.statelock.state.StateCoordinator;

/**
 * One PutState call: the header, then chunks spooled (and hashed) to a temporary file, then the
 * fenced write at the end of the stream. gRPC serializes the callbacks of one call, and flow
 * control asks for the next chunk only after this one is written, so memory stays at one chunk.
 */
final class PutStateCall implements StreamObserver<PutStateRequest> {
    /** The largest chunk accepted; clients should send at most 1 MiB. */
    static final int MAX_CHUNK = 4 * 1024 * 1024;

    private final StateCoordinator states;
    private final StreamObserver<io.statelock.proto.v1.StateVersion> responses;
    private final CallRunner calls;
    /** When the call began: the put is timed from the stream's start to its answer. */
    private final long start = System.nanoTime();
    private final java.util.function.BiConsumer<String, String> authorize;
    private final java.util.function.Consumer<io.statelock.state.StateVersion> stored;
    private PutCommand command;
    private Spool spool;
    private boolean done; // an error was sent: the rest of the stream is ignored

    /**
     * {@code authorize(key, leaseId)} throws when the caller may not write the key (role per prefix,
     * lease's subject); {@code stored} hears of each accepted write (the audit trail). The answer is timed
     * and counted as {@code put_state} by {@code calls}.
     */
    PutStateCall(StateCoordinator states, StreamObserver<io.statelock.proto.v1.StateVersion> responses, CallRunner calls,
                 java.util.function.BiConsumer<String, String> authorize,
                 java.util.function.Consumer<io.statelock.state.StateVersion> stored) {
        this.states = states;
        this.responses = responses;
        this.calls = calls;
        this.authorize = authorize;
        this.stored = stored;
    }

    @Override
    public void onNext(PutStateRequest request) {
        if (done) return;
        try {
            if (command == null) {
                // The first message must be the header: nothing is spooled before the writer is known.
                if (!request.hasHeader()) throw InvalidArgumentException.of("header", "the first message must be the header");
                PutStateHeader h = request.getHeader();
                authorize.accept(h.getKey(), h.getLeaseId());
                command = new PutCommand(new LockKey(h.getKey()), h.getLeaseId(), h.getFencingToken(), h.getSha256());
                states.checkWriter(command); // advisory, so a stale writer is stopped before it uploads
                spool = states.upload(-1); // size unknown: the limits are enforced as the chunks arrive
                return;
            }
            if (request.hasHeader()) throw InvalidArgumentException.of("header", "only the first message may be a header");
            if (!request.hasChunk()) throw InvalidArgumentException.of("chunk", "after the header every message must be a chunk");
            var chunk = request.getChunk();
            if (chunk.size() > MAX_CHUNK) throw InvalidArgumentException.of("chunk", "must be at most 1 MiB");
            byte[] bytes = chunk.toByteArray();
            spool.write(bytes, 0, bytes.length);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    @Override
    public void onError(Throwable t) {
        done = true;
        closeSpool(); // the client went away: nothing is stored
    }

    @Override
    public void onCompleted() {
        if (done) return;
        try {
            if (command == null) throw InvalidArgumentException.of("header", "the stream had no header");
            var version = states.put(command, spool);
            stored.accept(version);
            responses.onNext(StateProtoMapper.version(version, states.fences()));
            responses.onCompleted();
            calls.succeeded("put_state", start);
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            closeSpool();
        }
    }

    private void fail(RuntimeException e) {
        done = true;
        closeSpool();
        responses.onError(calls.failed("put_state", e, start));
    }

    private void closeSpool() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }
}
