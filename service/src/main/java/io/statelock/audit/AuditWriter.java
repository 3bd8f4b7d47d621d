package io.statelock.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes audit records: every record is a structured log line at once, and a row in the {@link AuditStore}.
 * {@link #record} is for routine operations: it queues the record (bounded, never blocks; a full queue
 * drops it with a warning and a count) and a flusher thread writes batches. {@link #recordNow} is for
 * forced and destructive operations: written before it returns, so before the call is answered.
 */
final class AuditWriter implements AutoCloseable {
    // java.lang.System.Logger: the domain imports nothing outside java.*; Quarkus routes it to its log. The
    // line goes in as a parameter of "{0}", never as a pattern: keys may hold quotes and braces.
    // Named for the trail: its warnings keep the log category operators already filter on.
    private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());
    // How long the flusher waits for a record before checking whether it should stop.
    private static final long POLL_MS = 200;
    // A batch that is not full waits this long for more records before it is written: under load one
    // store write (an fsync, or a BatchWriteItem) then carries tens of records instead of one or two.
    // Safe: routine records are already in the log, and forced ones (recordNow) never wait for it.
    private static final long LINGER_MS = 20;

    private final AuditStore store;
    private final int batchSize;
    private final BlockingQueue<AuditEntry> queue;
    private final BatchWriter writer;
    private final Thread flusher;
    private final AtomicLong dropped = new AtomicLong();
    // accepted counts records queued; done counts those the flusher has finished (written or given up).
    private final AtomicLong accepted = new AtomicLong();
    private final Object progress = new Object(); // notified whenever done advances
    private long done; // guarded by progress
    private volatile boolean closing; // no new routine records
    private volatile boolean stopped; // the flusher ends

    AuditWriter(AuditStore store, int queueCapacity, int batchSize, Duration maxRetry) {
        if (queueCapacity < 1 || batchSize < 1)
            throw new IllegalArgumentException("queue capacity and batch size must be >= 1");
        this.store = store;
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = new BatchWriter(store, maxRetry);
        this.flusher = new Thread(this::flushLoop, "statelock-audit-flusher");
        flusher.setDaemon(true);
        flusher.start();
    }

    /** Routine record: logged now, stored soon in a batch. Never blocks; drops (counted) when the queue is full. */
    void record(AuditEntry entry) {
        AuditLine.log(entry);
        // Counted once queued: a flush() racing this call may or may not wait for it, never for a dropped one.
        if (!closing && queue.offer(entry)) {
            accepted.incrementAndGet();
        } else {
            long n = dropped.incrementAndGet();
            // Warn on the 1st, 2nd, 4th, ... drop: a flood of refused calls must not become a flood of warnings.
            if (Long.bitCount(n) == 1) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}",
                        String.format(
                                "audit queue full or closed: record dropped from the store (logged only); %d dropped so far",
                                n));
            }
        }
    }

    /**
     * Forced or destructive operation: logged and stored before this returns. If the store fails, the
     * record goes to the queue for retry and the failure is logged; the operation it describes has
     * already happened, so failing the call would only make the caller retry it.
     */
    void recordNow(AuditEntry entry) {
        AuditLine.log(entry);
        try {
            store.append(List.of(entry));
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "{0}",
                    String.format(
                            "audit store write failed for a %s on %s (%s); queued for retry",
                            entry.action(), entry.key(), e.getMessage()));
            if (queue.offer(entry)) {
                accepted.incrementAndGet();
            } else {
                dropped.incrementAndGet();
            }
        }
    }

    /** Waits until every record queued before this call is written (or given up); false on timeout. */
    boolean flush(Duration timeout) {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (done < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Records dropped from the store since start (queue full, or given up after retries). */
    long dropped() {
        return dropped.get() + writer.givenUp();
    }

    /** Stops taking records and writes what is queued, waiting at most {@code timeout}. */
    void close(Duration timeout) {
        closing = true;
        if (!flush(timeout)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}",
                    String.format(
                            "audit flush at shutdown timed out with %d records unwritten (they are in the log)",
                            queue.size()));
        }
        stopped = true;
        flusher.interrupt();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private void flushLoop() {
        List<AuditEntry> batch = new ArrayList<>(batchSize);
        while (!stopped) {
            try {
                AuditEntry first = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                if (batch.size() < batchSize && !closing) {
                    Thread.sleep(LINGER_MS);
                    queue.drainTo(batch, batchSize - batch.size());
                }
                writer.write(batch);
            } catch (InterruptedException e) {
                // Only close() interrupts, after its flush (or its timeout): stop.
                return;
            } finally {
                finished(batch.size());
                batch.clear();
            }
        }
    }

    private void finished(int n) {
        // Zero when the poll timed out: nothing to announce.
        if (n == 0) return;
        synchronized (progress) {
            done += n;
            progress.notifyAll();
        }
    }
}
