package io.statelock.lock.watch;

/** An open watch, as its owner holds it. */
public interface Watch extends AutoCloseable {
    /** Stops delivery at once (an event being delivered finishes) and frees the stream's slot; no end. Idempotent. */
    @Override
    void close();

    /** The sink is ready again (gRPC's on-ready): delivers what waits in the stream's buffer. */
    void resume();
}
