package io.statelock.lock.watch;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Who opens a watch: the identity its streams are counted under ({@link WatchLimits#maxStreamsPerCaller()}), and
 * until when its credentials are good. At {@code validUntilMs} the watch ends with {@code expired}'s exception,
 * the buffered events dropped (they are not shown to credentials that no longer hold).
 */
public record Watcher(String identity, long validUntilMs, Supplier<? extends RuntimeException> expired) {
    public Watcher {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(expired, "expired");
    }

    /** A watcher whose credentials never expire (authentication off, tests). */
    public static Watcher unlimited(String identity) {
        return new Watcher(identity, Long.MAX_VALUE, () -> new IllegalStateException("never expires"));
    }

    boolean expires() {
        return validUntilMs != Long.MAX_VALUE;
    }
}
