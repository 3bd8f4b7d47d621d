package io.statelock.lock;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One open watch: a queue in front of the caller's sink. Producers enqueue (under their view's
 * lock, so every stream sees a view's changes in the same order) and then call {@link #drain()}
 * outside any lock; whichever thread finds the stream idle delivers everything queued, so the
 * sink is never entered by two threads at once and nothing waits for a thread hop.
 */
final class WatchStream implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.statelock.lock");

    private final Consumer<LockEvent> sink;
    private final Consumer<RuntimeException> onEnd;
    private final Consumer<WatchStream> detach;
    private final AtomicBoolean detached = new AtomicBoolean();

    // Guarded by this stream's monitor: view threads (polls, local publishers) enqueue while
    // another thread may be draining, and close/end can come from any thread.
    private final ArrayDeque<LockEvent> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean finished; // closed or ended: no further events are accepted
    private RuntimeException pendingEnd; // handed to onEnd once the queued events are delivered

    /** {@code detach} leaves the view and frees this stream's slot in the hub; it runs once. */
    WatchStream(Consumer<LockEvent> sink, Consumer<RuntimeException> onEnd, Consumer<WatchStream> detach) {
        this.sink = sink;
        this.onEnd = onEnd;
        this.detach = detach;
    }

    void enqueue(LockEvent event) {
        synchronized (this) {
            if (!finished) queue.addLast(event);
        }
    }

    /**
     * Ends the watch for a reason other than the owner's close: the queued events are still
     * delivered, then {@code onEnd}. The caller must {@link #drain()} afterwards, outside its locks.
     */
    void end(RuntimeException reason) {
        synchronized (this) {
            if (finished) return;
            finished = true;
            pendingEnd = reason;
        }
        detachOnce();
    }

    /** Delivers what is queued, unless another thread is already doing so. */
    void drain() {
        synchronized (this) {
            if (draining) return;
            draining = true;
        }
        while (true) {
            LockEvent next;
            RuntimeException reason = null;
            synchronized (this) {
                next = queue.pollFirst();
                if (next == null) {
                    draining = false;
                    reason = pendingEnd;
                    pendingEnd = null;
                    if (reason == null) return;
                }
            }
            if (next == null) {
                // finished is set and the queue is empty: no other thread can deliver any more.
                tellEnd(reason);
                return;
            }
            try {
                sink.accept(next);
            } catch (RuntimeException e) {
                // A sink that throws is dropped; its owner hears why. `draining` stays set: nothing follows.
                LOG.log(System.Logger.Level.DEBUG, "watch sink failed; closing the watch", e);
                synchronized (this) {
                    finished = true;
                    queue.clear();
                    pendingEnd = null;
                }
                detachOnce();
                tellEnd(e);
                return;
            }
        }
    }

    /** The owner's close: stops delivery at once (an event being delivered finishes), no onEnd. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            finished = true;
            pendingEnd = null;
            queue.clear();
        }
        detachOnce();
    }

    private void detachOnce() {
        if (detached.compareAndSet(false, true)) detach.accept(this);
    }

    private void tellEnd(RuntimeException reason) {
        try {
            onEnd.accept(reason);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "watch end callback failed", e);
        }
    }
}
