package io.statelock.lock.watch;

import io.statelock.common.InvalidArgumentException;
import io.statelock.common.ShuttingDownException;
import io.statelock.common.StoreUnavailableException;
import io.statelock.common.TooManyWaitersException;
import io.statelock.lock.LockEvent;
import io.statelock.lock.LockEvents;
import io.statelock.lock.LockRecord;
import io.statelock.lock.LockSettings;
import io.statelock.lock.Scheduler;
import io.statelock.lock.port.LockTable;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Watch: a snapshot of a key or a prefix, then its changes — at once for changes made on this
 * replica (from {@link LockEvents}), and from one shared poll per watched key or prefix per
 * interval for changes made on other replicas, however many streams watch it (docs/design.md#invariant-5).
 * {@code EXPIRED} is emitted once per lease when {@code expiresAt + maxClockSkew} passes.
 *
 * <p>Each stream's sink is called by one thread at a time, snapshot first. Opening a watch reads
 * the store on the caller's thread (call it off the event loop); later deliveries run on the
 * poll's scheduler thread, on the thread that published the local change, or on the one that resumes
 * a sink which was not ready.
 *
 * <p>Nothing grows with a slow or idle reader: streams are bounded per replica and per caller identity
 * ({@link WatchLimits}), each stream's buffer is bounded (then the stream ends, "fell behind"), a poll reads
 * at most {@link WatchTarget#MAX_RECORDS_PER_POLL} records, and a view with its one subscription and one
 * poll lives only while it has streams.
 */
public final class WatchHub {
    private final LockTable table;
    private final LockEvents events;
    private final Scheduler scheduler;
    private final Clock clock;
    private final LockSettings settings;
    private final WatchLimits limits;
    private final WatchSlots slots;
    private final ConcurrentHashMap<WatchTarget, WatchView> views = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public WatchHub(
            LockTable table,
            LockEvents events,
            Scheduler scheduler,
            Clock clock,
            LockSettings settings,
            WatchLimits limits) {
        this.table = Objects.requireNonNull(table, "table");
        this.events = Objects.requireNonNull(events, "events");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.slots = new WatchSlots(limits);
    }

    /** Same as {@link #open(String, String, Consumer, Consumer)} with nobody told when the watch ends. */
    public Watch open(String key, String prefix, Consumer<LockEvent> sink) {
        return open(key, prefix, sink, reason -> {});
    }

    /** An always-ready sink of one local identity whose credentials never expire (tests, tools). */
    public Watch open(String key, String prefix, Consumer<LockEvent> sink, Consumer<RuntimeException> onEnd) {
        return open(key, prefix, Watcher.unlimited("local"), WatchSink.of(sink, onEnd));
    }

    /**
     * Opens a watch on {@code key} or on every key under {@code prefix} (both empty: every key; a
     * prefix may end inside a segment). The sink first gets one {@code SNAPSHOT} per existing
     * record — exactly one for a key watch, also for a key never acquired (not held, fence 0) —
     * then the changes. Closing the returned handle stops delivery; it is idempotent.
     *
     * <p>The sink's {@code end} is called once, after the last event, when the watch ends without the
     * owner's close: {@link ShuttingDownException} at {@link #shutdown()}; the store's error when
     * {@link WatchView#MAX_FAILED_POLLS} polls in a row failed; the watcher's {@code expired} exception at its
     * {@code validUntilMs}; {@link TooManyWaitersException} when the stream fell behind; the sink's own
     * exception when it threw (the stream is then dropped).
     *
     * @throws InvalidArgumentException naming {@code key} or {@code prefix}
     * @throws TooManyWaitersException when this replica, or this watcher's identity, already carries its maximum
     * @throws StoreUnavailableException when the snapshot cannot be read
     * @throws ShuttingDownException after {@link #shutdown()}
     */
    public Watch open(String key, String prefix, Watcher watcher, WatchSink sink) {
        Objects.requireNonNull(watcher, "watcher");
        Objects.requireNonNull(sink, "sink");
        WatchTarget target = WatchTarget.of(key, prefix);
        if (closed) throw new ShuttingDownException();
        if (watcher.expires() && watcher.validUntilMs() <= clock.millis())
            throw watcher.expired().get();
        slots.take(watcher.identity());
        boolean joined = false;
        try {
            WatchView view = enter(target);
            List<LockRecord> snapshot;
            try {
                snapshot = target.read(table);
            } catch (RuntimeException e) {
                view.abandon();
                throw e;
            }
            WatchStream stream = new WatchStream(sink, limits.maxBufferedEvents(), s -> {
                view.leave(s);
                slots.free(watcher.identity());
            });
            view.join(stream, snapshot);
            joined = true;
            if (watcher.expires()) {
                // Ends at the moment a new call with the same credentials would be refused.
                stream.endAfter(scheduler, watcher.validUntilMs() - clock.millis(), watcher.expired());
            }
            return stream;
        } finally {
            if (!joined) slots.free(watcher.identity());
        }
    }

    /** Stops all polls; each open watch's sink ends with a {@link ShuttingDownException}. New opens are refused. */
    public void shutdown() {
        closed = true;
        for (WatchView view : List.copyOf(views.values())) {
            view.shutdown();
        }
    }

    public int openStreams() {
        return slots.total();
    }

    /** Events waiting in all streams for their readers (bounded by the streams' buffers); for tests and metrics. */
    public int bufferedEvents() {
        int n = 0;
        for (WatchView view : views.values()) n += view.buffered();
        return n;
    }

    /** Identities with at least one open stream; for tests and metrics. */
    int callersWithStreams() {
        return slots.identities();
    }

    /** Number of watch targets with a live shared view (one poll each); for tests and metrics. */
    int activeViews() {
        return views.size();
    }

    private WatchView enter(WatchTarget target) {
        while (true) {
            WatchView view =
                    views.computeIfAbsent(target, t -> new WatchView(t, table, scheduler, clock, settings, views));
            if (closed) {
                view.shutdown(); // raced with shutdown: leave nothing behind
                throw new ShuttingDownException();
            }
            if (view.enter(events)) return view;
        }
    }
}
