package io.statelock.lock;

import io.statelock.common.LockKey;
import java.util.ArrayDeque;

/**
 * The callers waiting for one key on this replica, first come first served, and the state of the key's one
 * poller (see {@link WaitQueues}). A retired queue has left the map: an enqueuer that finds one starts over.
 */
final class KeyQueue {
    final LockKey key;
    // All fields below are guarded by this queue's monitor: the poller, enqueuers and timeouts race on them.
    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    Scheduler.Cancellable nextPoll;
    boolean polling;
    boolean pokedWhilePolling;
    boolean retired;
    LockRecord lastHolder;

    KeyQueue(LockKey key) {
        this.key = key;
    }
}
