package io.statelock.lock;

import io.statelock.store.LockTable;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Watch: a snapshot of a key or a prefix, then its changes — at once for changes made on this
 * replica (from {@link LockEvents}), and from one shared poll per watched key or prefix per
 * interval for changes made on other replicas, however many streams watch it (invariant 5).
 * {@code EXPIRED} is emitted once per lease when {@code expiresAt + maxClockSkew} passes.
 *
 * <p>Each stream's sink is called by one thread at a time, snapshot first. Opening a watch reads
 * the store on the caller's thread (call it off the event loop); later deliveries run on the
 * poll's scheduler thread or on the thread that published the local change.
 */
public final class WatchHub {
    private final LockTable table;
    private final LockEvents events;
    private final Scheduler scheduler;
    private final Clock clock;
    private final LockSettings settings;
    private final int maxStreams;
    private final ConcurrentHashMap<WatchTarget, WatchView> views = new ConcurrentHashMap<>();
    private final AtomicInteger streams = new AtomicInteger();
    private volatile boolean closed;

    public WatchHub(LockTable table, LockEvents events, Scheduler scheduler, Clock clock, LockSettings settings,
                    int maxStreams) {
        if (maxStreams < 0) throw new IllegalArgumentException("maxStreams must be >= 0");
        this.table = Objects.requireNonNull(table, "table");
        this.events = Objects.requireNonNull(events, "events");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.maxStreams = maxStreams;
    }

    /** Same as {@link #open(String, String, Consumer, Consumer)} with nobody told when the watch ends. */
    public AutoCloseable open(String key, String prefix, Consumer<LockEvent> sink) {
        return open(key, prefix, sink, reason -> { });
    }

    /**
     * Opens a watch on {@code key} or on every key under {@code prefix} (both empty: every key; a
     * prefix may end inside a segment). The sink first gets one {@code SNAPSHOT} per existing
     * record — exactly one for a key watch, also for a key never acquired (not held, fence 0) —
     * then the changes. Closing the returned handle stops delivery; it is idempotent.
     *
     * <p>{@code onEnd} is called once, after the last event, when the watch ends without the
     * owner's close: {@link ShuttingDownException} at {@link #shutdown()}; the store's error when
     * {@link WatchView#MAX_FAILED_POLLS} polls in a row failed; the sink's own exception when it
     * threw (the stream is then dropped).
     *
     * @throws InvalidArgumentException naming {@code key} or {@code prefix}
     * @throws TooManyWaitersException when this replica already carries {@code maxStreams} watches
     * @throws StoreUnavailableException when the snapshot cannot be read
     * @throws ShuttingDownException after {@link #shutdown()}
     */
    public AutoCloseable open(String key, String prefix, Consumer<LockEvent> sink,
                              Consumer<RuntimeException> onEnd) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(onEnd, "onEnd");
        WatchTarget target = WatchTarget.of(key, prefix);
        if (closed) throw new ShuttingDownException();
        if (streams.incrementAndGet() > maxStreams) {
            streams.decrementAndGet();
            throw new TooManyWaitersException("this replica already has " + maxStreams
                    + " open watch streams; retry later with backoff");
        }
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
            WatchStream stream = new WatchStream(sink, onEnd, s -> {
                view.leave(s);
                streams.decrementAndGet();
            });
            view.join(stream, snapshot);
            joined = true;
            return stream;
        } finally {
            if (!joined) streams.decrementAndGet();
        }
    }

    /** Stops all polls; each open watch's {@code onEnd} gets a {@link ShuttingDownException}. New opens are refused. */
    public void shutdown() {
        closed = true;
        for (WatchView view : List.copyOf(views.values())) {
            view.shutdown();
        }
    }

    public int openStreams() {
        return streams.get();
    }

    /** Number of watch targets with a live shared view (one poll each); for tests and metrics. */
    int activeViews() {
        return views.size();
    }

    private WatchView enter(WatchTarget target) {
        while (true) {
            WatchView view = views.computeIfAbsent(target,
                    t -> new WatchView(t, table, scheduler, clock, settings, views));
            if (closed) {
                view.shutdown(); // raced with shutdown: leave nothing behind
                throw new ShuttingDownException();
            }
            if (view.enter(events)) return view;
        }
    }
}
