package io.statelock.lock.watch;

import io.statelock.common.TooManyWaitersException;
import java.util.HashMap;
import java.util.Map;

/** Open watch streams counted for the replica and per caller identity, against their limits. */
final class WatchSlots {
    private final int maxStreams;
    private final int maxPerCaller;
    // Guarded by this: streams open and end on any thread. An identity has an entry only while it has
    // streams, so the map is bounded by the streams open, however many identities come and go.
    private final Map<String, Integer> perCaller = new HashMap<>();
    private int total;

    WatchSlots(WatchLimits limits) {
        this.maxStreams = limits.maxStreams();
        this.maxPerCaller = limits.maxStreamsPerCaller();
    }

    /** Takes a slot for {@code identity}, or throws {@link TooManyWaitersException} naming the limit reached. */
    synchronized void take(String identity) {
        if (total >= maxStreams) {
            throw new TooManyWaitersException(
                    "this replica already has " + maxStreams + " open watch streams; retry later with backoff");
        }
        int mine = perCaller.getOrDefault(identity, 0);
        if (mine >= maxPerCaller) {
            throw new TooManyWaitersException(identity + " already has " + mine + " open watch streams on this replica"
                    + " (statelock.watch.max-streams-per-caller); close one, or retry later with backoff");
        }
        perCaller.put(identity, mine + 1);
        total++;
    }

    synchronized void free(String identity) {
        total--;
        perCaller.computeIfPresent(identity, (k, n) -> n == 1 ? null : n - 1);
    }

    synchronized int total() {
        return total;
    }

    synchronized int identities() {
        return perCaller.size();
    }
}
