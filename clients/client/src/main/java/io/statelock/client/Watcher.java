package io.statelock.client;

/** A running watch; {@link #close()} ends it (no listener call follows). */
public interface Watcher extends AutoCloseable {
    @Override
    void close();
}
