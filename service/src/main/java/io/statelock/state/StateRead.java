package io.statelock.state;

/** A verified state read: the version and its bytes in a spool file; closing deletes the file. */
public record StateRead(StateVersion version, Spool bytes) implements AutoCloseable {
    @Override
    public void close() {
        bytes.close();
    }
}
