package io.statelock.lock.wait;

import io.statelock.common.LockKey;
import io.statelock.lock.LockRecord;
import io.statelock.lock.Scheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The callers waiting for one key on this replica, first come first served, and the state of the key's one
 * poller (see {@link WaitQueues}). Every change to it is one of its methods, each under its monitor: the poller,
 * enqueuers, timeouts and shutdown race on it. A retired queue has left the map: an enqueuer that finds one
 * starts over.
 */
final class KeyQueue {
    /** How a waiter joined. */
    enum Joined {
        /** The queue had retired: join the key's current queue instead. */
        RETIRED,
        /** Behind others, or while a poll runs: the poller will try for it. */
        QUEUED,
        /** Nobody ahead and no poll running: the caller now holds the poll and makes the first try itself. */
        QUEUED_AND_POLLS
    }

    /** What follows a poll that has ended. */
    enum AfterPoll {
        /** Nobody waits: the queue retired. */
        RETIRED,
        /** A release came while it ran: poll again at once. */
        AGAIN,
        /** Poll at the next scheduled time. */
        LATER
    }

    private final LockKey key;
    private final Consumer<KeyQueue> onRetire;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private Scheduler.Cancellable nextPoll;
    private boolean polling;
    private boolean pokedWhilePolling;
    private boolean retired;
    private LockRecord lastHolder;

    /** {@code onRetire} takes the queue out of the map; it runs under this queue's monitor. */
    KeyQueue(LockKey key, Consumer<KeyQueue> onRetire) {
        this.key = key;
        this.onRetire = onRetire;
    }

    LockKey key() {
        return key;
    }

    /** The waiters in their order, copied. */
    synchronized List<Waiter> snapshot() {
        return new ArrayList<>(waiters);
    }

    synchronized Joined join(Waiter waiter) {
        if (retired) return Joined.RETIRED;
        boolean polls = waiters.isEmpty() && !polling;
        waiters.addLast(waiter);
        if (polls) claimPoll();
        return polls ? Joined.QUEUED_AND_POLLS : Joined.QUEUED;
    }

    /** The waiter leaves (granted, failed or cancelled); nothing happens if it left already. */
    synchronized void remove(Waiter waiter) {
        waiters.remove(waiter);
    }

    /**
     * Takes a waiter whose wait is over out of the queue: the holder to name in its LockHeld (the last one seen,
     * or the key as free), or null when it was granted or had left already.
     */
    synchronized LockRecord timeOut(Waiter waiter) {
        if (!waiters.remove(waiter)) return null;
        return lastHolder != null ? lastHolder : LockRecord.absent(key);
    }

    /** The poll for this caller, unless one runs: then that poll is told to run again, and false is returned. */
    synchronized boolean tryClaimPoll() {
        if (polling) {
            pokedWhilePolling = true;
            return false;
        }
        claimPoll();
        return true;
    }

    /** The waiter the poller tries for next; null when nobody waits, and the queue has retired. */
    synchronized Waiter headOrRetire() {
        Waiter head = waiters.peekFirst();
        if (head == null) retireIfIdle();
        return head;
    }

    /** The holder a try was blocked by: named to waiters that time out before the next try. */
    synchronized void blockedBy(LockRecord holder) {
        lastHolder = holder;
    }

    /** The poller is done; it says what comes next. */
    synchronized AfterPoll endPoll() {
        polling = false;
        boolean again = pokedWhilePolling;
        pokedWhilePolling = false;
        if (waiters.isEmpty()) {
            retireIfIdle();
            return AfterPoll.RETIRED;
        }
        return again ? AfterPoll.AGAIN : AfterPoll.LATER;
    }

    /** A release makes the scheduled poll pointless: the key is tried now instead. */
    synchronized void cancelNextPoll() {
        if (nextPoll != null) {
            nextPoll.cancel();
            nextPoll = null;
        }
    }

    /** At most one poll is scheduled per key: the new one replaces any other. */
    synchronized void replaceNextPoll(Supplier<Scheduler.Cancellable> schedule) {
        if (nextPoll != null) nextPoll.cancel();
        nextPoll = schedule.get();
    }

    /** Takes every waiter out and cancels the scheduled poll: the replica is stopping. */
    synchronized List<Waiter> drainForShutdown() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        if (nextPoll != null) nextPoll.cancel();
        return all;
    }

    /** From here the caller alone tries the store for this key's waiters. */
    private void claimPoll() {
        polling = true;
        cancelNextPoll();
    }

    private void retireIfIdle() {
        if (waiters.isEmpty() && !retired) {
            retired = true;
            if (nextPoll != null) nextPoll.cancel();
            onRetire.accept(this);
        }
    }
}
