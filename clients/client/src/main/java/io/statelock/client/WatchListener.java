package io.statelock.client;

/** Hears a watch's events, on a gRPC thread; keep it short (hand slow work to an executor). */
@FunctionalInterface
public interface WatchListener {
    void onEvent(LockEvent event);

    /** The watch failed (e.g. the service went away) and has ended. */
    default void onError(StatelockException error) {}

    /** The service ended the watch (e.g. shutting down). */
    default void onCompleted() {}
}
