package io.statelock.adapter.http;

import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvent;
import io.statelock.lock.watch.Watch;
import io.statelock.lock.watch.WatchSink;
import io.statelock.security.Caller;
import io.statelock.security.Operation;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;

/**
 * One dashboard event stream ({@code text/event-stream}): the hub's sink for one watch. Events go out only while
 * the connection's write queue has room; the rest waits in the watch's bounded buffer until the queue drains. The
 * watch closes when the browser goes, and the stream ends with an {@code end} event when the watch ends.
 */
final class DashboardStream implements WatchSink {
    /**
     * A comment this often keeps the stream alive through proxies that close idle connections (nginx's default
     * read timeout is 60 s) and finds a browser that went away without closing its connection.
     */
    static final long KEEP_ALIVE_MS = 15_000;

    private final HttpServerResponse response;
    private final LockCoordinator locks;
    private final UiAccess access;
    private final Caller caller;
    private final Clock clock;
    // Guarded by this: the browser may go before, during or after the open.
    private Watch watch;
    private boolean gone;

    DashboardStream(HttpServerResponse response, LockCoordinator locks, UiAccess access, Caller caller, Clock clock) {
        this.response = response;
        this.locks = locks;
        this.access = access;
        this.caller = caller;
        this.clock = clock;
    }

    /** Sends the stream's head; from here the browser's close closes the watch. */
    void start(io.vertx.core.Vertx vertx) {
        response.setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no") // nginx: pass events on as they come
                .setChunked(true);
        response.write(":\n\n");
        long timer = vertx.setPeriodic(KEEP_ALIVE_MS, id -> {
            if (!response.ended() && !response.closed()) response.write(":\n\n");
        });
        response.closeHandler(v -> {
            vertx.cancelTimer(timer);
            gone();
        });
        response.endHandler(v -> vertx.cancelTimer(timer));
    }

    void attach(Watch opened) {
        boolean closed;
        synchronized (this) {
            closed = gone;
            if (!closed) watch = opened;
        }
        if (closed) opened.close(); // the browser went while the snapshot was read: free the slot now
        else response.drainHandler(v -> opened.resume());
    }

    private void gone() {
        Watch open;
        synchronized (this) {
            gone = true;
            open = watch;
            watch = null;
        }
        if (open != null) open.close();
    }

    @Override
    public void accept(LockEvent event) {
        String key = event.status().key().value();
        int waiters = locks.waiters(event.status().key()).size();
        boolean admin = access.allows(caller, Operation.FORCE_RELEASE, key);
        String json = UiJson.write(UiJson.event(event, UiJson.lock(event.status(), waiters, admin), clock.millis()));
        response.write("event: lock\ndata: " + json + "\n\n");
    }

    @Override
    public void end(RuntimeException reason) {
        String code = reason instanceof io.statelock.common.StatelockException e
                ? e.kind().name()
                : "INTERNAL";
        if (response.ended() || response.closed()) return;
        response.end("event: end\ndata: " + UiJson.error(code, reason.getMessage()) + "\n\n");
    }

    @Override
    public boolean ready() {
        return !response.writeQueueFull();
    }
}
