package io.statelock.lock.wait;

import io.statelock.common.LockKey;
import io.statelock.lock.AcquireCommand;
import io.statelock.lock.AcquireTries;
import io.statelock.lock.Lease;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockSettings;
import io.statelock.lock.QueuedCaller;
import io.statelock.lock.Scheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Server-side waiting, FIFO per key within this replica. However many callers wait on a key,
 * one poller per key tries the store on behalf of the head waiter only: at once after a release
 * on this replica, at {@code expiresAt + maxClockSkew}, and otherwise every poll interval with
 * jitter (docs/design.md#invariant-5). A waiter holds no thread: it is a future completed by the poller.
 * <p>
 * The pieces: {@link KeyQueue} (one key's waiters and poller state), {@link WaitAdmission} (max waiters),
 * {@link PollSchedule} (when the next try runs), {@link StoreErrorPolicy} (store failures while waiting),
 * {@link WaitDeadlines} (timeouts) and {@link WaitShutdown}.
 */
public final class WaitQueues {
    private final AcquireTries attempts;
    private final WaitAdmission admission;
    private final PollSchedule polls;
    private final StoreErrorPolicy errors;
    private final WaitDeadlines deadlines;
    private final WaitShutdown shutdown = new WaitShutdown();
    private final ConcurrentHashMap<LockKey, KeyQueue> queues = new ConcurrentHashMap<>();

    public WaitQueues(
            AcquireTries attempts,
            Scheduler scheduler,
            Clock clock,
            LockSettings settings,
            Consumer<Lease> undeliverable) {
        this.attempts = attempts;
        this.admission = new WaitAdmission(attempts, settings);
        this.polls = new PollSchedule(scheduler, clock, settings, this::poll);
        this.errors = new StoreErrorPolicy(undeliverable);
        this.deadlines = new WaitDeadlines(scheduler, clock, settings.fences());
    }

    /** Callers waiting for a key on this replica (not counting those still in their first try). */
    public int waiting() {
        return admission.waiting();
    }

    /** Who waits for {@code key} on this replica, first in line first; empty when nobody does. */
    public List<QueuedCaller> waitersOf(LockKey key) {
        KeyQueue queue = queues.get(key);
        if (queue == null) return List.of();
        List<QueuedCaller> callers = new ArrayList<>();
        for (Waiter w : queue.snapshot()) {
            AcquireCommand c = w.command;
            callers.add(new QueuedCaller(callers.size() + 1, c.owner(), c.info(), w.joinedAtMs));
        }
        return callers;
    }

    /**
     * An acquire that may wait {@code waitMs}. It joins the key's queue before its first try, so a caller
     * arriving later queues behind it even while that try is in flight, and a release on this replica
     * during the try makes it try again at once (the poll flag serializes both) instead of sleeping until
     * the holder's expiry or the next poll. With nobody ahead, the first try runs on the caller's thread
     * and its store failures are thrown, as for an acquire that does not wait.
     */
    public CompletableFuture<Lease> acquire(AcquireCommand command, long waitMs) {
        shutdown.requireOpen();
        if (!admission.admit()) {
            return admission.tryOnceOrRefuse(
                    command); // a full replica still grants a free key; it only refuses to queue
        }
        Waiter waiter = deadlines.waiter(command, waitMs);
        KeyQueue queue;
        boolean polls;
        while (true) {
            queue = queues.computeIfAbsent(
                    command.key(), key -> new KeyQueue(key, retired -> queues.remove(key, retired)));
            KeyQueue.Joined joined = queue.join(waiter);
            if (joined == KeyQueue.Joined.RETIRED) continue; // it left the map: join (or make) the key's current queue
            polls = joined == KeyQueue.Joined.QUEUED_AND_POLLS;
            break;
        }
        KeyQueue owner = queue;
        waiter.result.whenComplete((lease, error) -> leave(owner, waiter));
        if (polls) {
            admission.firstTryStarted();
            try {
                tryHeads(queue, waiter);
            } finally {
                admission.firstTryEnded();
            }
        }
        if (!waiter.result.isDone()) deadlines.arm(owner, waiter);
        return waiter.result;
    }

    /** A lease on {@code key} was released on this replica: hand the key to the head waiter now. */
    public void keyReleased(LockKey key) {
        KeyQueue queue = queues.get(key);
        if (queue == null) return;
        queue.cancelNextPoll();
        polls.now(queue);
    }

    /** Like {@link #keyReleased}, but tries for the head waiter on the calling thread, now. */
    public void handOff(LockKey key) {
        KeyQueue queue = queues.get(key);
        if (queue == null) return;
        queue.cancelNextPoll();
        poll(queue);
    }

    /** Fails every waiter with UNAVAILABLE-to-be; no new waiter is accepted. */
    public void shutdown() {
        shutdown.failAll(queues.values());
    }

    private void leave(KeyQueue queue, Waiter waiter) {
        if (!waiter.left.compareAndSet(false, true)) return; // counted out once, whoever completes it
        admission.left();
        if (waiter.timeout != null) waiter.timeout.cancel();
        queue.remove(waiter);
    }

    private void poll(KeyQueue queue) {
        if (queue.tryClaimPoll()) tryHeads(queue, null);
    }

    /**
     * Tries for the head waiter until one is granted or blocked, then hands the poll on (at once when a
     * release came meanwhile, else at the next poll time). The caller has claimed the poll. {@code caller}
     * is the waiter whose own first try this is (or null): a failure of that try is thrown to it.
     */
    private void tryHeads(KeyQueue queue, Waiter caller) {
        long next = 0;
        boolean reschedule = false;
        try {
            while (true) {
                Waiter head = queue.headOrRetire();
                if (head == null) return;
                if (head != caller && deadlines.over(head)) {
                    // Its wait is over even if its timeout task has not run yet (a busy machine): never grant
                    // a lease to a caller that has given up, it would sit unused until it expired. A caller's own
                    // first try is still made, like an acquire that does not wait: its answer is still awaited.
                    deadlines.timeOut(queue, head);
                    continue;
                }
                AcquireTries.Outcome attempt;
                try {
                    attempt = attempts.tryOnce(head.command);
                } catch (Throwable e) {
                    StoreErrorPolicy.AfterFailedTry after = StoreErrorPolicy.afterFailedTry(e, head == caller);
                    if (after == StoreErrorPolicy.AfterFailedTry.THROW_TO_CALLER) {
                        reschedule = true; // the waiters behind it keep polling
                        head.result.completeExceptionally(e);
                        throw e;
                    }
                    if (after == StoreErrorPolicy.AfterFailedTry.PROPAGATE) throw e;
                    if (after == StoreErrorPolicy.AfterFailedTry.KEEP_WAITING) {
                        reschedule =
                                true; // keep waiting through a store hiccup; the waiter's own timeout still applies
                        return;
                    }
                    head.result.completeExceptionally(e); // FAIL_HEAD: the error is this waiter's answer
                    continue;
                }
                if (attempt instanceof AcquireTries.Outcome.Won won) {
                    queue.remove(head);
                    if (!head.result.complete(won.lease())) {
                        // The call went away as it was granted: release the lease so the next waiter gets the key.
                        if (errors.releaseUndeliverable(won.lease())) continue;
                        // The release failed: the lease stays until it expires; try again when it is takeable.
                        next = polls.takeableAt(won.lease());
                        reschedule = true;
                        return;
                    }
                    next = polls.takeableAt(won.lease());
                    reschedule = true;
                    return;
                }
                LockRecord holder = ((AcquireTries.Outcome.Blocked) attempt).holder();
                queue.blockedBy(holder);
                next = polls.takeableAt(holder);
                reschedule = true;
                return;
            }
        } finally {
            KeyQueue.AfterPoll after = queue.endPoll();
            if (after == KeyQueue.AfterPoll.AGAIN) {
                polls.now(queue);
            } else if (after == KeyQueue.AfterPoll.LATER && reschedule) {
                polls.next(queue, next);
            }
        }
    }
}
