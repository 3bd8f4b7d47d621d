package io.statelock.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The recorded history: every operation of every worker, appended as it ends. Thread-safe. */
final class History {
    private final long originNanos;
    private final AtomicLong ids = new AtomicLong();
    /** Guarded by itself: workers append concurrently, the checker reads after they stop. */
    private final List<Op> ops = new ArrayList<>();

    History(long originNanos) {
        this.originNanos = originNanos;
    }

    /** Harness-relative milliseconds on the monotonic clock. */
    long nowMs() {
        return (System.nanoTime() - originNanos) / 1_000_000L;
    }

    Op add(
            String worker,
            Op.Type type,
            String key,
            long startMs,
            Op.Outcome outcome,
            String leaseId,
            long fence,
            String record,
            long version,
            String detail) {
        Op op = new Op(
                ids.incrementAndGet(),
                worker,
                type,
                key,
                startMs,
                nowMs(),
                outcome,
                leaseId == null ? "" : leaseId,
                fence,
                record == null ? "" : record,
                version,
                detail == null ? "" : detail);
        synchronized (ops) {
            ops.add(op);
        }
        return op;
    }

    List<Op> ops() {
        synchronized (ops) {
            return List.copyOf(ops);
        }
    }
}
