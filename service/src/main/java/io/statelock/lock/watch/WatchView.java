package io.statelock.lock.watch;

import io.statelock.common.ShuttingDownException;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockEvents;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockSettings;
import io.statelock.lock.Scheduler;
import io.statelock.lock.port.LockTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * The shared view of one watch target on this replica: however many streams watch it, one
 * subscription to local events and one poll of the store per interval (docs/design.md#invariant-5). The poll
 * sees changes made on other replicas; local events are applied to the same {@link WatchState}
 * first, so a change is reported once whichever source sees it first.
 */
final class WatchView {
    /** Consecutive failed polls after which the streams end with the store's error (clients re-open). */
    static final int MAX_FAILED_POLLS = 10;

    private static final System.Logger LOG = System.getLogger("io.statelock.lock");

    private final WatchTarget target;
    private final LockTable table;
    private final Scheduler scheduler;
    private final Clock clock;
    private final long intervalMs;
    private final ConcurrentMap<WatchTarget, WatchView> registry;

    // All fields below are guarded by this view's monitor: the poll, local publishers, joining and
    // leaving streams race on them. Events are queued to the streams under it too, so every stream
    // sees the view's changes in one order; sinks are called only after it is released.
    private final WatchState state;
    private final List<WatchStream> streams = new ArrayList<>();
    private int joining; // callers reading their snapshot; the view must not retire under them
    private LockEvents.Subscription subscription;
    private Scheduler.Cancellable nextTick;
    private long nextTickAtMs;
    private long tickSeq; // identifies the one live tick; a superseded one that still runs does nothing
    private boolean polling;
    private boolean retired;
    private int failedPolls;

    WatchView(
            WatchTarget target,
            LockTable table,
            Scheduler scheduler,
            Clock clock,
            LockSettings settings,
            ConcurrentMap<WatchTarget, WatchView> registry) {
        this.target = target;
        this.table = table;
        this.scheduler = scheduler;
        this.clock = clock;
        this.intervalMs = settings.pollInterval().toMillis();
        this.registry = registry;
        this.state = new WatchState(settings.fences(), settings.maxClockSkew().toMillis());
    }

    /**
     * Announces a caller that will {@link #join} after reading its snapshot (or {@link #abandon}).
     * Subscribes to local events first, so no change falls between that read and the join.
     * False when the view is retired: take a fresh one from the registry.
     */
    synchronized boolean enter(LockEvents events) {
        if (retired) return false;
        joining++;
        if (subscription == null) subscription = events.subscribe(target::covers, this::onLocal);
        return true;
    }

    /**
     * Merges the caller's fresh read and adds its stream with a snapshot of the merged view.
     * Joining under the monitor makes snapshot and later changes one consistent cut: every change
     * is in the state the snapshot is taken from or is queued after it, so none needs buffering.
     */
    void join(WatchStream stream, List<LockRecord> read) {
        List<WatchStream> toDrain;
        synchronized (this) {
            joining--;
            if (retired) throw new ShuttingDownException(); // only shutdown retires a view with joiners
            long now = clock.millis();
            List<LockEvent> changes = new ArrayList<>();
            for (LockRecord record : read) state.observe(record, now, changes);
            state.expire(now, changes);
            publish(changes); // fresher news for the streams already here
            stream.enqueueSnapshot(state.snapshot(now));
            streams.add(stream);
            scheduleTick(now);
            toDrain = List.copyOf(streams);
        }
        toDrain.forEach(WatchStream::drain);
    }

    /** The caller announced by {@link #enter} will not join (its read failed). */
    synchronized void abandon() {
        joining--;
        retireIfIdle();
    }

    synchronized void leave(WatchStream stream) {
        streams.remove(stream);
        retireIfIdle();
    }

    /** Events waiting in this view's streams for their readers. */
    synchronized int buffered() {
        int n = 0;
        for (WatchStream stream : streams) n += stream.buffered();
        return n;
    }

    /** Stops the poll and ends every stream with {@link ShuttingDownException}. */
    void shutdown() {
        List<WatchStream> ending;
        synchronized (this) {
            ending = List.copyOf(streams);
            streams.clear();
            if (!retired) retire();
        }
        for (WatchStream stream : ending) {
            stream.end(new ShuttingDownException());
            stream.drain();
        }
    }

    private void onLocal(LockEvent event) {
        List<WatchStream> toDrain;
        synchronized (this) {
            if (retired) return;
            List<LockEvent> changes = new ArrayList<>();
            state.local(event, changes);
            if (changes.isEmpty()) return;
            publish(changes);
            scheduleTick(clock.millis()); // a new lease may become takeable before the planned tick
            toDrain = List.copyOf(streams);
        }
        // Delivered on the publisher's thread: "at once", and sinks (gRPC onNext) do not block.
        toDrain.forEach(WatchStream::drain);
    }

    private void tick(long seq) {
        synchronized (this) {
            if (retired || seq != tickSeq) return;
            nextTick = null;
            if (polling) return; // the running poll schedules the next tick when it finishes
            polling = true;
        }
        List<LockRecord> read = null;
        RuntimeException failure = null;
        try {
            read = target.read(table); // the store call runs off every lock
        } catch (RuntimeException e) {
            failure = e;
        }
        List<WatchStream> toDrain;
        List<WatchStream> ending = List.of();
        synchronized (this) {
            polling = false;
            if (retired) return;
            long now = clock.millis();
            List<LockEvent> changes = new ArrayList<>();
            if (failure == null) {
                failedPolls = 0;
                for (LockRecord record : read) state.observe(record, now, changes);
                // Only right after a read: a lease renewed on another replica must not be reported EXPIRED.
                state.expire(now, changes);
                publish(changes);
            } else if (++failedPolls < MAX_FAILED_POLLS) {
                // Keep the streams open through a store hiccup; the next interval tries again.
                LOG.log(
                        System.Logger.Level.WARNING,
                        "watch poll of " + target + " failed (" + failedPolls + " in a row); retrying",
                        failure);
            } else {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "watch poll of " + target + " failed " + failedPolls + " times in a row; ending its watches",
                        failure);
                ending = List.copyOf(streams);
                streams.clear();
                retire();
            }
            if (!retired) scheduleTick(now);
            toDrain = List.copyOf(streams);
        }
        for (WatchStream stream : ending) {
            stream.end(failure);
            stream.drain();
        }
        toDrain.forEach(WatchStream::drain);
    }

    /** Caller holds the monitor. Next tick: one poll interval away, or sooner when a lease becomes takeable. */
    private void scheduleTick(long now) {
        if (retired || streams.isEmpty()) return;
        long due = Math.min(now + intervalMs, state.nextExpiryMs());
        if (nextTick != null && nextTickAtMs <= due) return;
        if (nextTick != null) nextTick.cancel();
        long seq = ++tickSeq;
        nextTickAtMs = due;
        nextTick = scheduler.schedule(() -> tick(seq), Math.max(0, due - now));
    }

    /** Caller holds the monitor. */
    private void publish(List<LockEvent> changes) {
        for (WatchStream stream : streams) {
            for (LockEvent change : changes) stream.enqueue(change);
        }
    }

    /** Caller holds the monitor. */
    private void retireIfIdle() {
        if (!retired && streams.isEmpty() && joining == 0) retire();
    }

    /** Caller holds the monitor. */
    private void retire() {
        retired = true;
        if (nextTick != null) nextTick.cancel();
        nextTick = null;
        if (subscription != null) subscription.close();
        registry.remove(target, this);
    }
}
