package io.statelock.lock.watch;

/**
 * What one replica's watches may take: streams in all, streams of one caller identity, and change events one
 * stream buffers for a reader that does not keep up (besides its snapshot, at most
 * {@link WatchTarget#MAX_RECORDS_PER_POLL} events).
 */
public record WatchLimits(int maxStreams, int maxStreamsPerCaller, int maxBufferedEvents) {
    public WatchLimits {
        if (maxStreams < 0)
            throw new IllegalArgumentException("statelock.watch.max-streams must be >= 0, got " + maxStreams);
        if (maxStreamsPerCaller < 1) {
            throw new IllegalArgumentException(
                    "statelock.watch.max-streams-per-caller must be >= 1, got " + maxStreamsPerCaller);
        }
        if (maxBufferedEvents < 1) {
            throw new IllegalArgumentException(
                    "statelock.watch.max-buffered-events must be >= 1, got " + maxBufferedEvents);
        }
    }
}
