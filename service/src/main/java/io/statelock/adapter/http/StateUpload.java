package io.statelock.adapter.http;

import io.statelock.common.InvalidArgumentException;
import io.statelock.state.Spool;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A POSTed state body on its way into an upload {@link Spool}: gathered on the event loop in batches of up
 * to {@link #BATCH} bytes, each written (hashed, and checked against the size limit and the free-space
 * margin) on a worker thread while the request is paused. Memory stays at one batch per upload, and a
 * body the spool refuses is not read any further: the request stays paused and the refusal is answered.
 * Every callback runs on the request's event loop, so the fields need no lock.
 */
final class StateUpload {
    /** Bytes gathered before one worker hop writes them: few hops for a large state, little heap. */
    static final int BATCH = 1024 * 1024;

    private final RoutingContext ctx;
    private final Spool spool;
    private final Promise<Spool> done = Promise.promise();
    private Buffer pending = Buffer.buffer();
    private boolean writing; // a batch is being written on a worker: the spool is not ours to close yet
    private Throwable failure; // the connection failed while a batch was being written

    private StateUpload(RoutingContext ctx, Spool spool) {
        this.ctx = ctx;
        this.spool = spool;
    }

    /**
     * Reads the (paused) request's body into {@code spool} and finishes it; the caller closes the spool. {@code early}
     * is a failure of the body that came while it was paused (or null): the read fails at once. So does a connection
     * that closes, so that no request ends without its spool being closed.
     */
    static Future<Spool> read(RoutingContext ctx, Spool spool, Throwable early) {
        StateUpload upload = new StateUpload(ctx, spool);
        HttpServerRequest req = ctx.request();
        if (early != null) {
            upload.fail(early);
            return upload.done.future();
        }
        req.handler(upload::gather);
        req.endHandler(v -> upload.write(true));
        req.exceptionHandler(upload::fail);
        // Through the routing context: the response's own close handler is vertx-web's, for every end handler. Run
        // after the current event: a body's own failure (broken chunking) comes as the request's exception in the
        // same event and is answered first; this only makes sure a connection that just closes fails the upload.
        ctx.addEndHandler(ended -> {
            if (ended.failed()) {
                ctx.vertx()
                        .runOnContext(
                                v -> upload.fail(new io.vertx.core.http.HttpClosedException("the connection closed")));
            }
        });
        req.resume();
        return upload.done.future();
    }

    private void gather(Buffer chunk) {
        pending.appendBuffer(chunk);
        // A full batch goes to disk now; a smaller rest waits for more bytes or the end of the body.
        if (pending.length() >= BATCH) write(false);
    }

    private void write(boolean last) {
        HttpServerRequest req = ctx.request();
        if (!last) req.pause(); // nothing more arrives until this batch is on disk: back-pressure to the client
        Buffer batch = pending;
        pending = Buffer.buffer();
        writing = true;
        ctx.vertx()
                .executeBlocking(
                        () -> {
                            byte[] bytes = batch.getBytes();
                            spool.write(bytes, 0, bytes.length);
                            if (last) spool.finish();
                            return null;
                        },
                        false)
                .onComplete(written -> {
                    writing = false;
                    // The connection's failure first (nobody to answer), then the write's own, then on to the next
                    // batch.
                    if (failure != null) {
                        done.tryFail(failure);
                    } else if (written.failed()) {
                        done.tryFail(written.cause()); // refused (too large, no room): the request stays paused
                    } else if (last) {
                        done.tryComplete(spool);
                    } else {
                        req.resume();
                    }
                });
    }

    private void fail(Throwable e) {
        // While a batch is being written the spool is still in use: fail once that write is over.
        if (writing) {
            failure = e;
        } else {
            done.tryFail(e);
        }
    }

    /** Terraform and OpenTofu send Content-MD5 with every body: a mismatch means the bytes were damaged on the way. */
    static void checkMd5(String contentMd5, Spool spool) {
        if (contentMd5 == null || contentMd5.isEmpty()) return;
        String actual = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(spool.md5()));
        if (!actual.equals(contentMd5)) {
            throw InvalidArgumentException.of(
                    "Content-MD5", "is " + contentMd5 + " but the body hashes to " + actual + "; nothing stored");
        }
    }
}
