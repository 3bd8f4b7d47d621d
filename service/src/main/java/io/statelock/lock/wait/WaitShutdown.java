package io.statelock.lock.wait;

import io.statelock.common.ShuttingDownException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The end of waiting on this replica: no new waiter is accepted, every queued one fails with ShuttingDown. */
final class WaitShutdown {
    private volatile boolean closed;

    /** Throws {@link ShuttingDownException} once shutdown has begun. */
    void requireOpen() {
        if (closed) throw new ShuttingDownException();
    }

    /** Fails every waiter with UNAVAILABLE-to-be and cancels the queues' polls. */
    void failAll(Collection<KeyQueue> queues) {
        closed = true;
        List<Waiter> all = new ArrayList<>();
        for (KeyQueue queue : queues) all.addAll(queue.drainForShutdown());
        all.forEach(w -> w.result.completeExceptionally(new ShuttingDownException()));
    }
}
