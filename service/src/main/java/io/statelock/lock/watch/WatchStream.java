package io.statelock.lock.watch;

import io.statelock.common.TooManyWaitersException;
import io.statelock.lock.LockEvent;
import io.statelock.lock.Scheduler;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One open watch: a bounded buffer in front of the caller's sink. Producers enqueue (under their view's
 * lock, so every stream sees a view's changes in the same order) and then call {@link #drain()}
 * outside any lock; whichever thread finds the stream idle delivers what is buffered while the sink is
 * ready, so the sink is never entered by two threads at once and nothing waits for a thread hop.
 *
 * <p>A sink that is not ready (a slow gRPC reader) leaves events buffered until {@link #resume()}. At most
 * {@code maxBuffered} change events wait besides the snapshot; one more ends the watch with
 * {@link TooManyWaitersException} ("fell behind"), its buffer dropped and its slot freed at once.
 */
final class WatchStream implements Watch {
    private static final System.Logger LOG = System.getLogger("io.statelock.lock");

    private final WatchSink sink;
    private final int maxBuffered;
    private final Consumer<WatchStream> detach;
    private final AtomicBoolean detached = new AtomicBoolean();

    // Guarded by this stream's monitor: view threads (polls, local publishers) enqueue while
    // another thread may be draining, and close/end can come from any thread.
    private final ArrayDeque<LockEvent> queue = new ArrayDeque<>();
    private int queuedChanges; // events in the queue that are not SNAPSHOT: what maxBuffered bounds
    private boolean draining;
    private boolean finished; // closed or ended: no further events are accepted
    private RuntimeException pendingEnd; // handed to the sink's end once the queued events are delivered
    private Scheduler.Cancellable expiry; // the credentials' end, cancelled when the stream ends first

    /** {@code detach} leaves the view and frees this stream's slot in the hub; it runs once. */
    WatchStream(WatchSink sink, int maxBuffered, Consumer<WatchStream> detach) {
        this.sink = sink;
        this.maxBuffered = maxBuffered;
        this.detach = detach;
    }

    /** The snapshot, queued at the join: bounded by what one read returns, not by {@code maxBuffered}. */
    synchronized void enqueueSnapshot(List<LockEvent> snapshot) {
        if (!finished) queue.addAll(snapshot);
    }

    /** A change; past {@code maxBuffered} waiting ones the watch ends. The caller must {@link #drain()} afterwards. */
    synchronized void enqueue(LockEvent event) {
        if (finished) return;
        if (queuedChanges >= maxBuffered) {
            // The reader fell behind: drop its buffer and end now; drain() detaches (not here, under the view's lock).
            finishNow(new TooManyWaitersException("watch stream fell behind: " + queuedChanges
                    + " events buffered (statelock.watch.max-buffered-events); read faster or watch a narrower"
                    + " prefix, then open the watch again"));
            return;
        }
        queue.addLast(event);
        queuedChanges++;
    }

    /**
     * Ends the watch for a reason other than the owner's close: the queued events are still
     * delivered, then the sink's end. The caller must {@link #drain()} afterwards, outside its locks.
     */
    void end(RuntimeException reason) {
        synchronized (this) {
            if (finished) return;
            finished = true;
            pendingEnd = reason;
        }
        detachOnce();
    }

    /** Ends the watch at once, dropping what is queued (the credentials expired), and tells the sink. */
    void endNow(RuntimeException reason) {
        synchronized (this) {
            if (finished) return;
            finishNow(reason);
        }
        detachOnce();
        drain();
    }

    /** Ends the watch with {@code reason} after {@code delayMs}, unless it ends before. */
    void endAfter(Scheduler scheduler, long delayMs, Supplier<? extends RuntimeException> reason) {
        Scheduler.Cancellable timer = scheduler.schedule(() -> endNow(reason.get()), delayMs);
        boolean gone;
        synchronized (this) {
            gone = finished;
            if (!gone) expiry = timer;
        }
        if (gone) timer.cancel();
    }

    @Override
    public void resume() {
        drain();
    }

    /** Delivers what is queued while the sink is ready, unless another thread is already doing so. */
    void drain() {
        synchronized (this) {
            if (draining) return;
            draining = true;
        }
        while (true) {
            LockEvent next;
            RuntimeException reason = null;
            synchronized (this) {
                next = queue.peekFirst();
                if (next == null) {
                    draining = false;
                    reason = pendingEnd;
                    pendingEnd = null;
                    if (reason == null) return;
                }
            }
            if (next == null) {
                // finished is set and the queue is empty: no other thread can deliver any more. An end needs no
                // readiness.
                detachOnce();
                tellEnd(reason);
                return;
            }
            if (!sink.ready()) {
                synchronized (this) {
                    draining = false;
                }
                // The sink may have turned ready (and resumed, finding us draining) since the check: look again,
                // or that wake-up is lost and the events wait for the next one.
                if (!sink.ready()) return;
                synchronized (this) {
                    if (draining) return;
                    draining = true;
                }
                continue;
            }
            synchronized (this) {
                next = queue.pollFirst();
                if (next == null) continue; // cleared meanwhile (closed or fell behind): the loop sees why
                if (next.type() != LockEvent.Type.SNAPSHOT) queuedChanges--;
            }
            try {
                sink.accept(next);
            } catch (RuntimeException e) {
                // A sink that throws is dropped; its owner hears why. `draining` stays set: nothing follows.
                LOG.log(System.Logger.Level.DEBUG, "watch sink failed; closing the watch", e);
                synchronized (this) {
                    finished = true;
                    queue.clear();
                    queuedChanges = 0;
                    pendingEnd = null;
                }
                detachOnce();
                tellEnd(e);
                return;
            }
        }
    }

    /** The owner's close: stops delivery at once (an event being delivered finishes), no end. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            finished = true;
            pendingEnd = null;
            queue.clear();
            queuedChanges = 0;
        }
        detachOnce();
    }

    /** Events waiting for the sink (snapshot included); for tests and metrics. */
    synchronized int buffered() {
        return queue.size();
    }

    /** Caller holds the monitor. */
    private void finishNow(RuntimeException reason) {
        finished = true;
        queue.clear();
        queuedChanges = 0;
        pendingEnd = reason;
    }

    private void detachOnce() {
        if (!detached.compareAndSet(false, true)) return;
        Scheduler.Cancellable timer;
        synchronized (this) {
            timer = expiry;
            expiry = null;
        }
        if (timer != null) timer.cancel();
        detach.accept(this);
    }

    private void tellEnd(RuntimeException reason) {
        try {
            sink.end(reason);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "watch end callback failed", e);
        }
    }
}
