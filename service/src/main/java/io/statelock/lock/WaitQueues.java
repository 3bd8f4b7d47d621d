package io.statelock.lock;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Server-side waiting, FIFO per key within this replica. However many callers wait on a key,
 * one poller per key tries the store on behalf of the head waiter only: at once after a release
 * on this replica, at {@code expiresAt + maxClockSkew}, and otherwise every poll interval with
 * jitter (invariant 5). A waiter holds no thread: it is a future completed by the poller.
 */
final class WaitQueues {
    private final LeaseGrants grants;
    private final Scheduler scheduler;
    private final Clock clock;
    private final LockSettings settings;
    private final Fences fences;
    private static final System.Logger LOG = System.getLogger(WaitQueues.class.getName());
    private final Consumer<Lease> undeliverable;
    private final ConcurrentHashMap<LockKey, KeyQueue> queues = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    // Callers in their first try: counted in waiting (for the limit) but not yet waiting in the gauge's sense.
    private final AtomicInteger firstTries = new AtomicInteger();
    private volatile boolean closed;

    WaitQueues(LeaseGrants grants, Scheduler scheduler, Clock clock, LockSettings settings,
               Consumer<Lease> undeliverable) {
        this.grants = grants;
        this.scheduler = scheduler;
        this.clock = clock;
        this.settings = settings;
        this.fences = settings.fences();
        this.undeliverable = undeliverable;
    }

    /** Callers waiting for a key on this replica (not counting those still in their first try). */
    int waiting() {
        return Math.max(0, waiting.get() - firstTries.get());
    }

    /**
     * An acquire that may wait {@code waitMs}. It joins the key's queue before its first try, so a caller
     * arriving later queues behind it even while that try is in flight, and a release on this replica
     * during the try makes it try again at once (the poll flag serializes both) instead of sleeping until
     * the holder's expiry or the next poll. With nobody ahead, the first try runs on the caller's thread
     * and its store failures are thrown, as for an acquire that does not wait.
     */
    CompletableFuture<Lease> acquire(AcquireCommand command, long waitMs) {
        if (closed) throw new ShuttingDownException();
        if (waiting.incrementAndGet() > settings.maxWaiters()) {
            waiting.decrementAndGet();
            return tryOnceOrRefuse(command); // a full replica still grants a free key; it only refuses to queue
        }
        Waiter waiter = new Waiter(command, clock.millis() + waitMs);
        KeyQueue queue;
        boolean polls;
        while (true) {
            queue = queues.computeIfAbsent(command.key(), KeyQueue::new);
            synchronized (queue) {
                if (queue.retired) continue;
                polls = queue.waiters.isEmpty() && !queue.polling;
                queue.waiters.addLast(waiter);
                if (polls) claimPoll(queue);
                break;
            }
        }
        KeyQueue owner = queue;
        waiter.result.whenComplete((lease, error) -> leave(owner, waiter));
        if (polls) {
            firstTries.incrementAndGet();
            try {
                tryHeads(queue, waiter);
            } finally {
                firstTries.decrementAndGet();
            }
        }
        if (!waiter.result.isDone()) {
            // The deadline was fixed on arrival: the first try's time counts against the wait.
            waiter.timeout = scheduler.schedule(() -> timeOut(owner, waiter), Math.max(0, waiter.deadlineMs - clock.millis()));
            if (waiter.result.isDone()) waiter.timeout.cancel(); // granted or failed while the timer was set
        }
        return waiter.result;
    }

    private CompletableFuture<Lease> tryOnceOrRefuse(AcquireCommand command) {
        if (grants.tryOnce(command) instanceof LeaseGrants.Attempt.Won won) return CompletableFuture.completedFuture(won.lease());
        throw new TooManyWaitersException("this replica already has " + settings.maxWaiters()
                + " waiting acquires (statelock.wait.max-waiters); retry later with backoff");
    }

    /** A lease on {@code key} was released on this replica: hand the key to the head waiter now. */
    void keyReleased(LockKey key) {
        KeyQueue queue = queues.get(key);
        if (queue == null) return;
        cancelNextPoll(queue);
        scheduler.execute(() -> poll(queue));
    }

    /** Like {@link #keyReleased}, but tries for the head waiter on the calling thread, now. */
    void handOff(LockKey key) {
        KeyQueue queue = queues.get(key);
        if (queue == null) return;
        cancelNextPoll(queue);
        poll(queue);
    }

    /** Fails every waiter with UNAVAILABLE-to-be; no new waiter is accepted. */
    void shutdown() {
        closed = true;
        List<Waiter> all = new ArrayList<>();
        for (KeyQueue queue : queues.values()) {
            synchronized (queue) {
                all.addAll(queue.waiters);
                queue.waiters.clear();
                if (queue.nextPoll != null) queue.nextPoll.cancel();
            }
        }
        all.forEach(w -> w.result.completeExceptionally(new ShuttingDownException()));
    }

    private void timeOut(KeyQueue queue, Waiter waiter) {
        LockRecord holder;
        synchronized (queue) {
            if (!queue.waiters.remove(waiter)) return; // granted or gone already
            holder = queue.lastHolder;
        }
        LockStatus status = holder == null ? LockStatus.of(LockRecord.absent(queue.key), fences, clock.millis())
                : LockStatus.holderOf(holder, fences);
        waiter.result.completeExceptionally(new LockHeldException(status));
    }

    private void leave(KeyQueue queue, Waiter waiter) {
        if (!waiter.left.compareAndSet(false, true)) return;
        waiting.decrementAndGet();
        if (waiter.timeout != null) waiter.timeout.cancel();
        synchronized (queue) {
            queue.waiters.remove(waiter);
        }
    }

    /** When the holder's lease becomes takeable on this replica's clock; 0 when unknown. */
    private long takeableAt(LockRecord holder) {
        if (holder == null) return 0;
        // A free key seen by a failed write is a race with another writer: look again almost at once.
        return holder.hasLease() ? holder.takeableFromMs(settings.maxClockSkew().toMillis()) : clock.millis() + 5;
    }

    /** Next try: when the holder's lease becomes takeable, or after one jittered poll interval. */
    private void schedulePoll(KeyQueue queue, long takeableAtMs) {
        long interval = settings.pollInterval().toMillis();
        // Jitter of +-20% keeps replicas that wait on the same key from polling in lockstep.
        long delay = (long) (interval * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        if (takeableAtMs > 0) {
            delay = Math.min(delay, Math.max(0, takeableAtMs - clock.millis()));
        }
        synchronized (queue) {
            if (queue.nextPoll != null) queue.nextPoll.cancel();
            queue.nextPoll = scheduler.schedule(() -> poll(queue), delay);
        }
    }

    private void poll(KeyQueue queue) {
        synchronized (queue) {
            if (queue.polling) {
                queue.pokedWhilePolling = true;
                return;
            }
            claimPoll(queue);
        }
        tryHeads(queue, null);
    }

    /** Caller holds the queue's monitor: from here it alone tries the store for this key's waiters. */
    private static void claimPoll(KeyQueue queue) {
        queue.polling = true;
        if (queue.nextPoll != null) queue.nextPoll.cancel();
        queue.nextPoll = null;
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
                Waiter head;
                synchronized (queue) {
                    head = queue.waiters.peekFirst();
                    if (head == null) {
                        retireIfIdle(queue);
                        return;
                    }
                }
                if (head != caller && clock.millis() >= head.deadlineMs) {
                    // Its wait is over even if its timeout task has not run yet (a busy machine): never grant
                    // a lease to a caller that has given up, it would sit unused until it expired. A caller's own
                    // first try is still made, like an acquire that does not wait: its answer is still awaited.
                    timeOut(queue, head);
                    continue;
                }
                LeaseGrants.Attempt attempt;
                try {
                    attempt = grants.tryOnce(head.command);
                } catch (Throwable e) {
                    if (head == caller) {
                        reschedule = true; // the waiters behind it keep polling
                        head.result.completeExceptionally(e);
                        throw e;
                    }
                    if (!(e instanceof RuntimeException)) throw e;
                    if (e instanceof StoreUnavailableException) {
                        reschedule = true; // keep waiting through a store hiccup; the waiter's own timeout still applies
                        return;
                    }
                    head.result.completeExceptionally(e);
                    continue;
                }
                if (attempt instanceof LeaseGrants.Attempt.Won won) {
                    synchronized (queue) {
                        queue.waiters.remove(head);
                    }
                    if (!head.result.complete(won.lease())) {
                        // The call went away as it was granted: release the lease so the next waiter gets the key.
                        if (releaseUndeliverable(won.lease())) continue;
                        // The release failed: the lease stays until it expires; try again when it is takeable.
                        next = won.lease().expiresAtMs() + settings.maxClockSkew().toMillis() + 1;
                        reschedule = true;
                        return;
                    }
                    next = won.lease().expiresAtMs() + settings.maxClockSkew().toMillis() + 1;
                    reschedule = true;
                    return;
                }
                LockRecord holder = ((LeaseGrants.Attempt.Blocked) attempt).holder();
                synchronized (queue) {
                    queue.lastHolder = holder;
                }
                next = takeableAt(holder);
                reschedule = true;
                return;
            }
        } finally {
            boolean again;
            boolean empty;
            synchronized (queue) {
                queue.polling = false;
                again = queue.pokedWhilePolling;
                queue.pokedWhilePolling = false;
                empty = queue.waiters.isEmpty();
                if (empty) retireIfIdle(queue);
            }
            if (!empty) {
                if (again) {
                    scheduler.execute(() -> poll(queue));
                } else if (reschedule) {
                    schedulePoll(queue, next);
                }
            }
        }
    }

    /** True when the lease of a vanished waiter was released; a store failure is logged, never thrown at the poller. */
    private boolean releaseUndeliverable(Lease lease) {
        try {
            undeliverable.accept(lease);
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not release the lease of a waiter that left as it was granted on "
                    + lease.key() + "; it expires by itself: " + e);
            return false;
        }
    }

    /** A release makes the scheduled poll pointless: the key is tried now instead. */
    private static void cancelNextPoll(KeyQueue queue) {
        synchronized (queue) {
            if (queue.nextPoll != null) {
                queue.nextPoll.cancel();
                queue.nextPoll = null;
            }
        }
    }

    /** Caller holds the queue's monitor. */
    private void retireIfIdle(KeyQueue queue) {
        if (queue.waiters.isEmpty() && !queue.retired) {
            queue.retired = true;
            if (queue.nextPoll != null) queue.nextPoll.cancel();
            queues.remove(queue.key, queue);
        }
    }

    private static final class KeyQueue {
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

    private static final class Waiter {
        final AcquireCommand command;
        /** When the wait ends, on this replica's clock: no grant after it. */
        final long deadlineMs;
        final CompletableFuture<Lease> result = new CompletableFuture<>();
        final AtomicBoolean left = new AtomicBoolean();
        volatile Scheduler.Cancellable timeout;

        Waiter(AcquireCommand command, long deadlineMs) {
            this.command = command;
            this.deadlineMs = deadlineMs;
        }
    }
}
