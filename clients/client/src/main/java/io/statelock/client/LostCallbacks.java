package io.statelock.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The callbacks waiting to hear that a lease was lost: each runs once, on the client's callback
 * executor (never on a gRPC or timer thread), or inline when the client is closed. Not
 * thread-safe: {@link LeaseImpl} guards it with its lock.
 */
final class LostCallbacks {
    private final Executor executor;
    private final List<Consumer<LeaseLostException>> waiting = new ArrayList<>();
    private LeaseLostException cause;

    LostCallbacks(Executor executor) {
        this.executor = executor;
    }

    /** Registers {@code callback}; runs it at once if the lease is already lost. */
    void add(Consumer<LeaseLostException> callback) {
        if (cause != null) {
            run(callback, cause);
        } else {
            waiting.add(callback);
        }
    }

    /** The lease is lost: every waiting callback runs, and later ones run at once. */
    void fire(LeaseLostException lost) {
        cause = lost;
        List<Consumer<LeaseLostException>> toRun = new ArrayList<>(waiting);
        waiting.clear();
        for (Consumer<LeaseLostException> cb : toRun) {
            run(cb, lost);
        }
    }

    /** The lease was closed by its holder: nobody is told anything any more. */
    void clear() {
        waiting.clear();
    }

    private void run(Consumer<LeaseLostException> cb, LeaseLostException lost) {
        try {
            executor.execute(() -> cb.accept(lost));
        } catch (RejectedExecutionException e) {
            cb.accept(lost); // client closed: run inline rather than drop the news
        }
    }
}
