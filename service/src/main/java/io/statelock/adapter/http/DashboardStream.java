package io.statelock.adapter.http;

import io.statelock.common.StatelockException;
import io.statelock.lock.LockCoordinator;
import io.statelock.lock.LockEvent;
import io.statelock.lock.watch.Watch;
import io.statelock.lock.watch.WatchSink;
import io.statelock.security.Caller;
import io.statelock.security.Operation;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * One dashboard event stream ({@code text/event-stream}): the hub's sink for one watch. Events go out only while
 * the connection's write queue has room; the rest waits in the watch's bounded buffer until the queue drains. The
 * watch closes when the browser goes (also when it went before the watch was open), and the stream ends with an
 * {@code end} event when the watch ends. A watch that cannot be opened is refused with its status, not a stream.
 */
final class DashboardStream implements WatchSink {
    /**
     * A comment this often keeps the stream alive through proxies that close idle connections (nginx's default
     * read timeout is 60 s) and finds a browser that went away without closing its connection.
     */
    static final long KEEP_ALIVE_MS = 15_000;

    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private final LockCoordinator locks;
    private final UiAccess access;
    private final Caller caller;
    private final Clock clock;
    // Guarded by this: the browser may go before, during or after the open.
    private Watch watch;
    private boolean gone;
    private long keepAlive = -1;

    DashboardStream(RoutingContext ctx, LockCoordinator locks, UiAccess access, Caller caller, Clock clock) {
        this.ctx = ctx;
        this.response = ctx.response();
        this.locks = locks;
        this.access = access;
        this.caller = caller;
        this.clock = clock;
    }

    /** Before the open: the stream's headers (not sent yet), and the browser's going, from now or already. */
    void prepare() {
        response.setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no") // nginx: pass events on as they come
                .setChunked(true);
        response.drainHandler(v -> resume());
        ctx.addEndHandler(v -> gone());
        // A connection closed before the handlers were set never calls them.
        if (response.closed()) gone();
    }

    /** The open watch: its head goes out now (also with no key to show), then a comment every while. */
    void attach(Watch opened) {
        boolean closed;
        synchronized (this) {
            closed = gone;
            if (!closed) watch = opened;
        }
        if (closed) {
            opened.close(); // the browser went while the snapshot was read: free the slot now
            return;
        }
        write(":\n\n");
        long timer = ctx.vertx().setPeriodic(KEEP_ALIVE_MS, id -> write(":\n\n"));
        boolean cancel;
        synchronized (this) {
            cancel = gone;
            keepAlive = timer;
        }
        if (cancel) ctx.vertx().cancelTimer(timer);
    }

    /** The watch could not be opened: its status if nothing was sent yet, else the stream's end. */
    void refuse(RuntimeException e) {
        if (!response.headWritten()) HttpErrors.dashboard(ctx, e);
        else end(e);
    }

    private void gone() {
        Watch open;
        long timer;
        synchronized (this) {
            gone = true;
            open = watch;
            watch = null;
            timer = keepAlive;
            keepAlive = -1;
        }
        if (timer >= 0) ctx.vertx().cancelTimer(timer);
        if (open != null) open.close();
    }

    private void resume() {
        Watch open;
        synchronized (this) {
            open = watch;
        }
        if (open != null) open.resume();
    }

    private void write(String chunk) {
        try {
            if (!response.ended() && !response.closed()) response.write(chunk);
        } catch (IllegalStateException ended) {
            // Ended by another thread between the check and the write: nothing more to send.
        }
    }

    @Override
    public void accept(LockEvent event) {
        String key = event.status().key().value();
        int waiters = locks.waiters(event.status().key()).size();
        boolean admin = access.allows(caller, Operation.FORCE_RELEASE, key);
        String json = UiJson.write(UiJson.event(event, UiJson.lock(event.status(), waiters, admin), clock.millis()));
        write("event: lock\ndata: " + json + "\n\n");
    }

    @Override
    public void end(RuntimeException reason) {
        String code = reason instanceof StatelockException e ? e.kind().name() : "INTERNAL";
        try {
            if (!response.ended() && !response.closed())
                response.end("event: end\ndata: " + UiJson.error(code, reason.getMessage()) + "\n\n");
        } catch (IllegalStateException ended) {
            // Already ended (the browser went): nobody to tell.
        }
    }

    @Override
    public boolean ready() {
        return !response.writeQueueFull();
    }
}
