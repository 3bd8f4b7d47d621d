package io.statelock.lock.watch;

import io.statelock.lock.LockEvent;
import java.util.function.Consumer;

/**
 * Where one watch delivers: its events, then at most one end. Called by one thread at a time, never under a
 * lock of the hub. A sink that is not {@link #ready()} leaves events in the stream's bounded buffer until the
 * watch is {@linkplain Watch#resume() resumed}; a buffer that fills up ends the watch (the reader fell behind).
 */
public interface WatchSink {
    void accept(LockEvent event);

    /**
     * The watch ended without its owner's close: shutdown, a store outage that persisted, the credentials'
     * expiry, a full buffer, or {@link #accept}'s own exception. Called once, after the last event.
     */
    void end(RuntimeException reason);

    /** Can the consumer take another event now? (gRPC: {@code isReady()}.) */
    default boolean ready() {
        return true;
    }

    /** A sink that is always ready. */
    static WatchSink of(Consumer<LockEvent> events, Consumer<RuntimeException> onEnd) {
        return new WatchSink() {
            @Override
            public void accept(LockEvent event) {
                events.accept(event);
            }

            @Override
            public void end(RuntimeException reason) {
                onEnd.accept(reason);
            }
        };
    }
}
